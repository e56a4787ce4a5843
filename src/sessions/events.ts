/**
 * What happened to a session, for those who must tell people about it (mails, issue 5 point 6).
 * In-process: the listeners run after the change is stored; a failing listener is logged by
 * its owner and never undoes the change.
 */
import { EventEmitter } from 'node:events';
import type { TrainingSessionDocument } from './model';

export interface SessionEvents {
  /** Times or place changed (`time`, `place`): enrolled and waiting people are told. */
  changed: [{ session: TrainingSessionDocument; time: boolean; place: boolean }];
  cancelled: [{ session: TrainingSessionDocument }];
}

export const sessionEvents = new EventEmitter<SessionEvents>();
