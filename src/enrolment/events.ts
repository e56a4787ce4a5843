import { EventEmitter } from 'node:events';

/**
 * What happened to people's places, for the mails (src/notifications): emitted after the
 * writes, never before; a listener never throws into the request.
 */
export interface EnrolmentEvents {
  /** Someone enrolled or joined the waiting list (`position` from 1 while waiting). */
  enrolled: [{ sessionId: string; userId: string; status: 'enrolled' | 'waitlisted'; position?: number }];
  /** Someone waiting got a seat. */
  promoted: [{ sessionId: string; userId: string }];
}

export const enrolmentEvents = new EventEmitter<EnrolmentEvents>();
