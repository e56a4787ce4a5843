import mongoose from 'mongoose';
import {
  AppError,
  BadRequestError,
  InternalError,
  MalformedJsonError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from './errors';

/** body-parser errors carry a `type` and a `status`; nothing else should be trusted. */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
}

const DATABASE_DOWN_ERRORS = new Set([
  'MongooseServerSelectionError',
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  // Every connection busy for waitQueueTimeoutMS (src/db/connection.ts): unavailable for now.
  'MongoWaitQueueTimeoutError',
]);

/**
 * A connection broken under a request: when the database process dies mid-write, the driver
 * can surface Node's own socket error ("This socket has been ended by the other party").
 */
const BROKEN_CONNECTION_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED']);

function isDatabaseDown(error: Error): boolean {
  if (DATABASE_DOWN_ERRORS.has(error.name)) return true;
  if (BROKEN_CONNECTION_CODES.has(String((error as NodeJS.ErrnoException).code))) return true;
  // With bufferCommands off, Mongoose refuses a query while disconnected with a plain
  // MongooseError; its connection state is the reliable signal.
  return error instanceof mongoose.Error && mongoose.connection.readyState !== mongoose.ConnectionStates.connected;
}

/** Maps anything thrown in a request to the one typed error the handler renders. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof Error)) return new InternalError();
  const { type } = error as BodyParserError;
  switch (type) {
    case 'entity.parse.failed':
      return new MalformedJsonError();
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError();
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'parameters.too.many':
      return new BadRequestError();
    default:
      break;
  }
  // A malformed id in a URL names nothing; any other cast failure is a bug and stays a 500.
  if (error instanceof mongoose.Error.CastError && error.path === '_id') return new NotFoundError();
  if (isDatabaseDown(error)) return new ServiceUnavailableError();
  // A URIError comes from a malformed percent-encoding in the path.
  if (error instanceof URIError) return new BadRequestError();
  return new InternalError();
}
