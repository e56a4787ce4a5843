/**
 * The roll call on the web (issue 6, point 1): one tap per person on a phone, "mark all
 * present", a note each; a plain form that works without JavaScript. The trail of changes is
 * shown under it.
 */
import { type Request, type Response, Router } from 'express';
import mongoose from 'mongoose';
import { User } from '../accounts/model';
import { ForbiddenError } from '../http/errors';
import { renderPage } from '../http/render';
import { formErrorsFrom } from '../http/validate';
import { readerLanguage } from '../i18n/middleware';
import { namesFor } from '../sessions/present';
import { sessionForPage } from '../sessions/pages/view';
import { ATTENDANCE_STATUSES, AttendanceChange, type AttendanceStatus } from './model';
import { type AttendanceInput, recordAttendance, rollCall } from './roll-call';

const dayOf = (req: Request) => {
  const day = Number(req.params.day);
  return Number.isInteger(day) && day >= 1 && day <= 31 ? day : 0;
};

async function page(req: Request, res: Response, state: { errors?: Array<{ path: string; message: string }>; kept?: Record<string, { status: string; note: string }>; done?: boolean } = {}, status = 200) {
  const lang = readerLanguage(req);
  const { session, day, entries, started } = await rollCall(req.user, String(req.params.id), dayOf(req));
  const view = sessionForPage(session, await namesFor([session], lang), lang);
  const changes = await AttendanceChange.find({ session: session._id, day }).sort({ at: -1 }).limit(50).lean();
  const people = await User.find({ _id: mongoose.trusted({ $in: [...new Set(changes.flatMap((change) => [change.user, change.by]).map(String))] }) }).select({ name: 1 }).lean();
  const nameOf = (id: mongoose.Types.ObjectId) => people.find((candidate) => candidate._id.equals(id))?.name ?? '';
  const time = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short', timeZone: session.timezone });
  await renderPage(
    res,
    'attendance/roll-call',
    {
      title: req.t('attendance:roll-call.title', { title: session.title, day: day + 1 }),
      session: view,
      day: day + 1,
      dayLabel: view.days[day]!,
      started,
      statuses: ATTENDANCE_STATUSES,
      entries: entries.map((entry) => ({ ...entry, status: state.kept?.[entry.userId]?.status ?? entry.status, note: state.kept?.[entry.userId]?.note ?? entry.note ?? '' })),
      counts: Object.fromEntries(ATTENDANCE_STATUSES.map((name) => [name, entries.filter((entry) => entry.status === name).length])),
      trail: changes.map((change) => ({ at: time.format(change.at), by: nameOf(change.by), person: nameOf(change.user), from: change.from, to: change.to, via: change.via })),
      errors: state.errors ?? [],
      done: state.done ?? req.query.done === 'saved',
      otherDays: view.days.map((_, index) => index + 1).filter((number) => number !== day + 1),
    },
    status,
  );
}

/** The form's `status.<id>` and `note.<id>` fields as records; "mark all present" fills the blanks. */
function recordsFrom(body: Record<string, unknown>, allPresent: boolean, known: string[]): { records: AttendanceInput[]; kept: Record<string, { status: string; note: string }> } {
  const records: AttendanceInput[] = [];
  const kept: Record<string, { status: string; note: string }> = {};
  for (const userId of known) {
    const given = body[`status.${userId}`];
    const note = typeof body[`note.${userId}`] === 'string' ? (body[`note.${userId}`] as string).slice(0, 500) : '';
    const status = typeof given === 'string' && (ATTENDANCE_STATUSES as readonly string[]).includes(given) ? (given as AttendanceStatus) : allPresent ? 'present' : undefined;
    kept[userId] = { status: status ?? '', note };
    if (status) records.push({ userId, status, note });
  }
  return { records, kept };
}

export function attendancePages(): Router {
  const router = Router();
  router.get('/sessions/:id/days/:day/roll-call', async (req, res) => {
    if (!req.user) return res.redirect(303, `/sign-in?returnTo=${encodeURIComponent(req.originalUrl)}`);
    await page(req, res);
  });
  router.post('/sessions/:id/days/:day/roll-call', async (req, res) => {
    if (!req.user) return res.redirect(303, '/sign-in');
    const { session, entries } = await rollCall(req.user, String(req.params.id), dayOf(req));
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const { records, kept } = recordsFrom(body, body.intent === 'all-present', entries.map((entry) => entry.userId));
    if (records.length === 0) return res.redirect(303, `/sessions/${String(session._id)}/days/${dayOf(req)}/roll-call`);
    try {
      await recordAttendance(req.user, String(session._id), dayOf(req), records);
      res.redirect(303, `/sessions/${String(session._id)}/days/${dayOf(req)}/roll-call?done=saved`);
    } catch (error) {
      const errors = formErrorsFrom(error, req.t);
      if (!errors) throw error;
      if ((error as { status?: number }).status === 403) throw new ForbiddenError();
      await page(req, res, { errors, kept }, (error as { status?: number }).status ?? 400);
    }
  });
  return router;
}
