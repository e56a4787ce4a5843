/**
 * The roll call on the web (issue 6, point 1): one tap per person on a phone, "mark all
 * present", a note each; a plain form that works without JavaScript. The trail of changes is
 * shown under it. With JavaScript (views/assets/roll-call.js) each change is posted to the same
 * address at once, asking for JSON: the answer says what was saved or why not, localised.
 */
import { type Request, type Response, Router } from 'express';
import type mongoose from 'mongoose';
import { accountsByIds } from '../accounts/by-ids';
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

const countByStatus = (statuses: Array<AttendanceStatus | null>) => Object.fromEntries(ATTENDANCE_STATUSES.map((name) => [name, statuses.filter((status) => status === name).length]));

async function page(req: Request, res: Response, state: { errors?: Array<{ path: string; message: string }>; kept?: Record<string, { status: string; note: string }>; done?: boolean } = {}, status = 200) {
  const lang = readerLanguage(req);
  const { session, day, entries, started } = await rollCall(req.user, String(req.params.id), dayOf(req));
  const view = sessionForPage(session, await namesFor([session], lang), lang);
  const changes = await AttendanceChange.find({ session: session._id, day }).sort({ at: -1 }).limit(50).lean();
  // The people of the trail are mostly on the roll call already; only the others (who recorded, who left) are read.
  const known = new Map(entries.map((entry) => [entry.userId, entry.name]));
  const others = await accountsByIds(changes.flatMap((change) => [change.user, change.by]).filter((id) => !known.has(String(id))));
  const nameOf = (id: mongoose.Types.ObjectId) => known.get(String(id)) ?? others.get(String(id))?.name ?? '';
  const time = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short', timeZone: session.timezone });
  await renderPage(
    res,
    'attendance/roll-call',
    {
      title: req.t('attendance:roll-call.title', { title: session.title, day: day + 1 }),
      scripts: ['roll-call'],
      session: view,
      day: day + 1,
      dayLabel: view.days[day]!,
      started,
      statuses: ATTENDANCE_STATUSES,
      entries: entries.map((entry) => ({ ...entry, status: state.kept?.[entry.userId]?.status ?? entry.status, note: state.kept?.[entry.userId]?.note ?? entry.note ?? '' })),
      counts: countByStatus(entries.map((entry) => entry.status)),
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
    const script = req.accepts(['html', 'json']) === 'json';
    if (!req.user) return script ? res.status(401).json({ errors: [{ path: '', message: req.t('attendance:roll-call.live.signed-out') }] }) : res.redirect(303, '/sign-in');
    const { session, entries } = await rollCall(req.user, String(req.params.id), dayOf(req));
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    // People the page showed but who left the session meanwhile are sent too, so that the
    // refusal names them rather than their choice vanishing in silence.
    const sent = Object.keys(body).flatMap((field) => /^status\.([a-f0-9]{24})$/.exec(field)?.[1] ?? []);
    const { records, kept } = recordsFrom(body, body.intent === 'all-present', [...new Set([...entries.map((entry) => entry.userId), ...sent])]);
    const back = `/sessions/${String(session._id)}/days/${dayOf(req)}/roll-call`;
    try {
      const saved = records.length > 0 ? await recordAttendance(req.user, String(session._id), dayOf(req), records) : null;
      if (!script) return res.redirect(303, records.length > 0 ? `${back}?done=saved` : back);
      const statusOf = new Map((saved ?? []).map((record) => [String(record.user), record.status]));
      const enrolled = entries.map((entry) => statusOf.get(entry.userId) ?? entry.status);
      res.json({
        saved: records.map((record) => record.userId),
        counts: countByStatus(enrolled),
      });
    } catch (error) {
      // `records.N.userId` names the Nth record sent; on the page, the person's own row.
      const errors = formErrorsFrom(error, req.t)?.map((shown) => ({ ...shown, path: shown.path.replace(/^records\.(\d+)\.userId$/, (_, index: string) => records[Number(index)]?.userId ?? shown.path) }));
      if (!errors) throw error;
      const status = (error as { status?: number }).status ?? 400;
      if (script) return res.status(status).json({ errors });
      await page(req, res, { errors, kept }, status);
    }
  });
  return router;
}
