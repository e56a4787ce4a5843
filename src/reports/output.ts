/** Writing a report into the response at the pace the client reads it. */
import type { Writable } from 'node:stream';

export class ClientGoneError extends Error {
  constructor() {
    super('the client went away');
  }
}

/** Resolves once `out` may take more; rejects if it closes first (a closed socket never drains). */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new ClientGoneError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new ClientGoneError());
    const onError = (error: Error) => settle(error);
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onError);
  });
}

/** Writes `chunk`, then waits while the response is full: rows are read only as fast as they leave. */
export async function send(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new ClientGoneError();
  if (!out.write(chunk)) await drained(out);
}

/** Resolves when `out` has finished (or closed); made before the writer ends it, so no event is missed. */
export function whenFinished(out: Writable): Promise<void> {
  const finished = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('close', resolve);
    out.once('error', reject);
  });
  // A writer that fails before awaiting it has its own error to report: this one is not left unhandled.
  finished.catch(() => undefined);
  return finished;
}
