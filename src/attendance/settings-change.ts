/**
 * An administrator changes the programme's settings (issue 6, point 4): saved, everyone
 * counted again when the rule moved, and the change written to the audit log. The API and the
 * page both come through here, so they cannot disagree on who may or what happens.
 */
import { can } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { actorOf, recordAudit } from '../audit/service';
import { ForbiddenError } from '../http/errors';
import { ATTENDANCE_STATUSES, TrainedPerson } from './model';
import { getSettings, type ProgrammeSettings, saveSettings, type SettingsRecord } from './settings';
import { recountEveryone } from './recount-job';

export interface SettingsChange {
  settings: SettingsRecord;
  /** People trained before and after the save (the same unless the rule changed). */
  trainedBefore: number;
  trained: number;
  /** Whether the rule changed, so everyone was counted again. */
  recounted: boolean;
}

/** Everyone trained, whatever their country: the figure the rule is judged by. */
export const trainedTotal = () => TrainedPerson.countDocuments({ trained: true });

/** Statuses once each, in the roll call's order, so "late, present" and "present, late" are one rule. */
function normalised(settings: ProgrammeSettings): ProgrammeSettings {
  return { ...settings, countingStatuses: ATTENDANCE_STATUSES.filter((status) => settings.countingStatuses.includes(status)) };
}

/** The fields whose value differs, as the audit log keeps them. */
function differences(before: ProgrammeSettings, after: ProgrammeSettings) {
  const changed = (['target', 'countingStatuses', 'requiredShare'] as const).filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  return {
    changed,
    before: Object.fromEntries(changed.map((field) => [field, before[field]])),
    after: Object.fromEntries(changed.map((field) => [field, after[field]])),
  };
}

export async function changeSettings(acting: SessionUser | undefined, input: ProgrammeSettings, requestId?: string): Promise<SettingsChange> {
  if (!acting || !can(acting, 'programme.configure')) throw new ForbiddenError('only administrators change the programme settings');
  const previous = normalised(await getSettings());
  const trainedBefore = await trainedTotal();
  const next = normalised(input);
  const saved = await saveSettings(next, acting.id);
  const { changed, before, after } = differences(previous, next);
  // The target is only a goal; the statuses and the share decide who is trained.
  const recounted = changed.includes('countingStatuses') || changed.includes('requiredShare');
  // A job rather than a loop in the request: if this stops half-way, a runner finishes it.
  if (recounted) await recountEveryone(next);
  if (changed.length > 0) {
    await recordAudit({ actor: actorOf(acting), action: 'programme.settings-changed', target: { type: 'settings', id: 'programme', label: 'programme' }, before, after, requestId });
  }
  return { settings: saved, trainedBefore, trained: recounted ? await trainedTotal() : trainedBefore, recounted };
}
