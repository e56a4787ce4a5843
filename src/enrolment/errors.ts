/**
 * The refusals of enrolment, each with a stable code and a field error whose i18n key is
 * `enrolment:errors.<code>` (locales/en/enrolment.json), so the API and the pages can say why.
 */
import { AppError, ConflictError } from '../http/errors';

export type EnrolmentErrorCode =
  | 'session-unknown'
  | 'user-unknown'
  | 'not-enrolled'
  | 'email-unverified'
  | 'not-session-staff'
  | 'session-not-open'
  | 'deadline-passed'
  | 'already-enrolled'
  | 'already-waitlisted';

type Values = Record<string, string | number>;

const fieldError = (code: EnrolmentErrorCode, path: string, values?: Values) => [{ path, key: `enrolment:errors.${code}`, ...(values ? { values } : {}) }];

/** 403: not allowed to enrol, cancel or list. */
export class EnrolmentForbiddenError extends AppError {
  constructor(code: 'email-unverified' | 'not-session-staff', message: string) {
    super(403, code, 'forbidden', message, fieldError(code, ''));
  }
}

/** 404: no such session, account, or enrolment. */
export class EnrolmentNotFoundError extends AppError {
  constructor(code: 'session-unknown' | 'user-unknown' | 'not-enrolled', message: string, path = '') {
    super(404, code, 'not-found', message, fieldError(code, path));
  }
}

/** 409: the session does not take this enrolment now. */
export class EnrolmentConflictError extends ConflictError {
  constructor(code: 'session-not-open' | 'deadline-passed' | 'already-enrolled' | 'already-waitlisted', message: string, values?: Values) {
    super(message, code, fieldError(code, '', values));
  }
}
