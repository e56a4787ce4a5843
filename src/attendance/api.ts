/**
 * `/api/v1/sessions/:id/days/:day/attendance`, `/api/v1/sessions/:id/attendance` and
 * `/api/v1/stats/target` (docs/api.md, "Attendance", "Target and reports").
 */
import { type Request, Router } from 'express';
import mongoose from 'mongoose';
import { z } from 'zod';
import { requireSignedIn } from '../accounts/bearer';
import { can, visibleCountries } from '../accounts/policy';
import { ForbiddenError } from '../http/errors';
import { parseInput } from '../http/validate';
import { findSession, managesSession } from '../sessions/access';
import { Attendance, ATTENDANCE_STATUSES, TrainedPerson } from './model';
import { recountInProgress } from './recount-job';
import { recordAttendance } from './roll-call';
import { targetStats } from './stats';

const OBJECT_ID = /^[a-f0-9]{24}$/i;
export const attendanceBatchSchema = z.strictObject({
  records: z
    .array(z.strictObject({ userId: z.string().regex(OBJECT_ID), status: z.enum(ATTENDANCE_STATUSES), note: z.string().max(500).optional() }))
    .min(1)
    .max(500),
});
export const statsQuery = z.strictObject({ lang: z.string().optional() });

const dayOf = (req: Request) => {
  const day = Number(req.params.day);
  return Number.isInteger(day) && day >= 1 && day <= 31 ? day : 0;
};

export function attendanceApi(): Router {
  const router = Router();

  router.put('/sessions/:id/days/:day/attendance', requireSignedIn, async (req, res) => {
    // Staff only, before reading the body (the service checks again).
    const session = await findSession(String(req.params.id));
    if (!managesSession(req.user, session)) throw new ForbiddenError('only its trainers, coordinators of its country and administrators take the roll call');
    const input = parseInput(req, attendanceBatchSchema, req.body ?? {});
    const records = await recordAttendance(req.user, String(session._id), dayOf(req), input.records);
    res.json({
      sessionId: String(session._id),
      day: dayOf(req),
      date: session.days[dayOf(req) - 1]!.date,
      records: records.map((record) => ({ userId: String(record.user), status: record.status, note: record.note ?? null, recordedAt: record.recordedAt.toISOString() })),
    });
  });

  router.get('/sessions/:id/attendance', requireSignedIn, async (req, res) => {
    const session = await findSession(String(req.params.id));
    if (!managesSession(req.user, session)) throw new ForbiddenError('only its trainers, coordinators of its country and administrators see attendance');
    const records = await Attendance.find({ session: session._id }).lean();
    const users = [...new Set(records.map((record) => String(record.user)))];
    const trained = await TrainedPerson.find({ _id: mongoose.trusted({ $in: users }), sessions: session._id }).select({ _id: 1 }).lean();
    const trainedIds = new Set(trained.map((person) => String(person._id)));
    res.json({
      sessionId: String(session._id),
      days: session.days.map((day, index) => ({ day: index + 1, date: day.date })),
      items: users.map((userId) => ({
        userId,
        days: session.days.map((_, index) => records.find((record) => String(record.user) === userId && record.day === index)?.status ?? null),
        trained: trainedIds.has(userId),
      })),
    });
  });

  router.get('/stats/target', requireSignedIn, async (req, res) => {
    parseInput(req, statsQuery, req.query);
    if (!can(req.user, 'programme.follow')) throw new ForbiddenError('coordinators and administrators follow the target');
    const [stats, recounting] = await Promise.all([targetStats(visibleCountries(req.user)), recountInProgress()]);
    res.json({ ...stats, recounting });
  });

  return router;
}
