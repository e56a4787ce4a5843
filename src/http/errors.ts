/**
 * Typed errors: each carries its HTTP status, a stable machine `code` (the end of the
 * problem `type` URI) and the i18n key of its human title. The status is chosen here, once,
 * never by matching message text.
 */
/**
 * A problem with one input field. Services, which know no language, give an i18n `key`
 * (and its values); the edge turns it into a `message` in the reader's language.
 */
export interface FieldError {
  path: string;
  message?: string;
  key?: string;
  values?: Record<string, string | number>;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Key in the `errors` namespace: `<key>.title` and `<key>.message` exist in every locale. */
    readonly i18nKey: string,
    message?: string,
    readonly fieldErrors?: FieldError[],
  ) {
    super(message ?? code);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message?: string, code = 'bad-request') {
    super(400, code, 'bad-request', message);
  }
}

export class MalformedJsonError extends AppError {
  constructor() {
    super(400, 'malformed-json', 'malformed-json');
  }
}

export class ValidationError extends AppError {
  constructor(fieldErrors: FieldError[], message?: string) {
    super(400, 'validation', 'validation', message, fieldErrors);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message?: string, code = 'unauthorized') {
    super(401, code, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message?: string, code = 'forbidden') {
    super(403, code, 'forbidden', message);
  }
}

/** A form without a valid CSRF token: expired, replayed from elsewhere, or forged. */
export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf', 'csrf');
  }
}

export class NotFoundError extends AppError {
  constructor(message?: string) {
    super(404, 'not-found', 'not-found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message?: string, code = 'conflict', fieldErrors?: FieldError[]) {
    super(409, code, 'conflict', message, fieldErrors);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor() {
    super(413, 'payload-too-large', 'payload-too-large');
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super(415, 'unsupported-media-type', 'unsupported-media-type');
  }
}

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too-many-requests', 'too-many-requests');
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message?: string) {
    super(503, 'service-unavailable', 'service-unavailable', message);
  }
}

export class InternalError extends AppError {
  constructor() {
    super(500, 'internal', 'internal');
  }
}
