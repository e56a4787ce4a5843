/**
 * Scheduling and editing a session on the web (issue 5, points 1 and 7): one plain form, the
 * same for both, whose field names are the paths the service names in its errors
 * (`days.1.end`), so each error lands next to its field and the typed values are kept.
 */
import { publishedVersions } from '../../courses/published';
import type { Request, Response } from 'express';
import { User } from '../../accounts/model';
import { hasRole } from '../../accounts/policy';
import { ForbiddenError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { formErrorsFrom, type ShownFieldError } from '../../http/validate';
import { readerLanguage } from '../../i18n/middleware';
import { managedSession } from '../access';
import { cancelSession, updateSession } from '../change';
import type { TrainingSessionDocument } from '../model';
import { canSchedule, defaultDays, MAX_DAYS, scheduleSession } from '../schedule';
import { filterChoices } from './list-pages';

type FormValues = Record<string, string | string[]>;

const text = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
const list = (body: Record<string, unknown>, name: string) => {
  const value = body[name];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string' && item !== '');
};

/** The form as typed, to show again. */
function valuesFrom(body: unknown): FormValues {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values: FormValues = {};
  for (const name of ['title', 'language', 'city', 'venue.name', 'venue.address', 'timezone', 'capacity', 'enrolmentDeadline']) values[name] = text(source, name);
  for (let day = 0; day < MAX_DAYS; day += 1) for (const part of ['date', 'start', 'end']) values[`days.${day}.${part}`] = text(source, `days.${day}.${part}`);
  values.courses = list(source, 'courses');
  values.trainers = list(source, 'trainers');
  // Coordinators choose the version of each module (`version.<slug>`); empty: the pin stays, or the latest.
  for (const [name, value] of Object.entries(source)) if (name.startsWith('version.') && typeof value === 'string') values[name] = value;
  return values;
}

/** The form as the service's input: empty day rows left out, numbers as numbers when they are. */
function inputFrom(values: FormValues) {
  const days = [];
  for (let day = 0; day < MAX_DAYS; day += 1) {
    const [date, start, end] = ['date', 'start', 'end'].map((part) => values[`days.${day}.${part}`] as string);
    if (date || start || end) days.push({ date: date ?? '', start: start ?? '', end: end ?? '' });
  }
  const capacity = values.capacity as string;
  return {
    title: values.title,
    courses: (values.courses as string[]).map((slug) => {
      const version = values[`version.${slug}`];
      return typeof version === 'string' && version !== '' ? { slug, version } : slug;
    }),
    language: values.language,
    city: values.city,
    venue: { name: values['venue.name'], address: values['venue.address'] },
    ...(values.timezone ? { timezone: values.timezone } : {}),
    days,
    capacity: /^\d{1,6}$/.test(capacity.trim()) ? Number(capacity.trim()) : capacity,
    ...(values.enrolmentDeadline ? { enrolmentDeadline: values.enrolmentDeadline } : {}),
    trainers: values.trainers,
  };
}

function valuesOf(session: TrainingSessionDocument): FormValues {
  const values: FormValues = {
    title: session.title,
    language: session.language,
    city: session.city,
    'venue.name': session.venue.name,
    'venue.address': session.venue.address,
    timezone: session.timezone,
    capacity: String(session.capacity),
    enrolmentDeadline: session.enrolmentDeadlineDate,
    courses: session.courses.map((course) => course.slug),
    ...Object.fromEntries(session.courses.map((course) => [`version.${course.slug}`, course.version])),
    trainers: session.trainers.map(String),
  };
  session.days.forEach((day, index) => Object.assign(values, { [`days.${index}.date`]: day.date, [`days.${index}.start`]: day.start, [`days.${index}.end`]: day.end }));
  return values;
}

/** Errors on list items (`courses.1`) belong to the list's fieldset. */
const onForm = (errors: ShownFieldError[]) => errors.map((error) => ({ ...error, path: error.path.replace(/^(courses|trainers)\..*$/, '$1') }));

async function formPage(req: Request, res: Response, state: { values: FormValues; errors?: ShownFieldError[]; session?: TrainingSessionDocument }, status = 200) {
  const coordinator = hasRole(req.user, 'coordinator') || hasRole(req.user, 'admin');
  // The versions a coordinator may pin: every released one, newest first.
  const released = coordinator
    ? await publishedVersions()
    : [];
  const trainers = await User.find({ roles: 'trainer', status: 'active' }).select({ name: 1, country: 1 }).sort({ name: 1 }).limit(500).lean();
  await renderPage(
    res,
    'sessions/form',
    {
      title: state.session ? req.t('sessions:form.edit-title', { title: state.session.title }) : req.t('sessions:form.new-title'),
      action: state.session ? `/sessions/${String(state.session._id)}/edit` : '/sessions/new',
      editing: Boolean(state.session),
      pinned: state.session?.courses ?? [],
      values: state.values,
      errors: onForm(state.errors ?? []),
      choices: await filterChoices(req),
      trainerChoices: trainers.filter((trainer) => String(trainer._id) !== req.user!.id).map((trainer) => ({ value: String(trainer._id), label: trainer.name })),
      dayRows: Array.from({ length: MAX_DAYS }, (_, index) => index),
      coordinator,
      versionChoices: Object.fromEntries(
        [...new Set(released.map((entry) => entry.course))].map((slug) => [
          slug,
          released.filter((entry) => entry.course === slug).map((entry) => ({ value: entry.version, label: entry.status === 'archived' ? req.t('sessions:form.archived-version', { version: entry.version }) : entry.version })),
        ]),
      ),
    },
    status,
  );
}

function tomorrowPlus(days: number): string {
  return new Date(Date.now() + days * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

export async function newSessionPage(req: Request, res: Response) {
  if (!canSchedule(req.user)) throw new ForbiddenError();
  const values: FormValues = { capacity: '20', language: readerLanguage(req), courses: [], trainers: [] };
  // Two consecutive days, 09:00–17:00, a month ahead: what most sessions are.
  defaultDays(tomorrowPlus(30)).forEach((day, index) => Object.assign(values, { [`days.${index}.date`]: day.date, [`days.${index}.start`]: day.start, [`days.${index}.end`]: day.end }));
  await formPage(req, res, { values });
}

export async function createFromForm(req: Request, res: Response) {
  if (!canSchedule(req.user)) throw new ForbiddenError();
  const values = valuesFrom(req.body);
  try {
    const { session, warnings } = await scheduleSession(req.user, inputFrom(values));
    res.redirect(303, `/sessions/${String(session._id)}?done=scheduled${warnings.length ? '&warning=venue-busy' : ''}`);
  } catch (error) {
    const errors = formErrorsFrom(error, req.t);
    if (!errors) throw error;
    await formPage(req, res, { values, errors }, (error as { status?: number }).status ?? 400);
  }
}

export async function editPage(req: Request, res: Response) {
  const session = await managedSession(req.user, String(req.params.id));
  await formPage(req, res, { values: valuesOf(session), session });
}

export async function saveEdit(req: Request, res: Response) {
  const session = await managedSession(req.user, String(req.params.id));
  const values = valuesFrom(req.body);
  const input = inputFrom(values);
  // A zone left empty takes the default of the chosen city's country again, as on creation
  // (the service's rule for ''; filled in here it would keep the old country's zone on a move).
  if (!values.timezone) Object.assign(input, { timezone: '' });
  try {
    const { warnings } = await updateSession(req.user, String(session._id), input);
    res.redirect(303, `/sessions/${String(session._id)}?done=saved${warnings.length ? '&warning=venue-busy' : ''}`);
  } catch (error) {
    const errors = formErrorsFrom(error, req.t);
    if (!errors) throw error;
    await formPage(req, res, { values, errors, session }, (error as { status?: number }).status ?? 400);
  }
}

export async function cancelPage(req: Request, res: Response) {
  const session = await managedSession(req.user, String(req.params.id));
  await renderPage(res, 'sessions/cancel', { title: req.t('sessions:cancel.title'), session: { id: String(session._id), title: session.title, seatsTaken: session.seatsTaken, waitlisted: session.waitlisted } });
}

export async function confirmCancel(req: Request, res: Response) {
  const session = await managedSession(req.user, String(req.params.id));
  try {
    await cancelSession(req.user, String(session._id));
    res.redirect(303, `/sessions/${String(session._id)}?done=cancelled`);
  } catch (error) {
    if ((error as { code?: string }).code !== 'session-cancelled') throw error;
    res.redirect(303, `/sessions/${String(session._id)}`);
  }
}

