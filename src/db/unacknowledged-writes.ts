/**
 * FerretDB 1.24 answers fire-and-forget writes, and an answer nobody waits for reaches the
 * next command sent on that pooled connection.
 *
 * A write with `writeConcern: {w: 0}` is sent by the driver (6.9 and later) as an OP_MSG with
 * the `moreToCome` flag: "do not answer". The driver then reads nothing back. FerretDB 1.24
 * ignores the flag (internal/clientconn/conn.go writes a response for every request), so the
 * answer stays unread on the socket, and the driver, which does not compare `responseTo`
 * with the request id, hands it to the next command on that connection; that command's own
 * answer goes to the one after, and so on. Finds get the answer of the write
 * (`BSON element "cursor" is missing`) or of another find (documents of another collection or
 * projection, possibly from another person's request), findOneAndUpdate gets nothing.
 * connect-mongo's expired-session cleanup (`autoRemove: 'interval'`) is such a write, every
 * 10 minutes. bench/ferretdb-unacknowledged-writes.ts shows it.
 *
 * On FerretDB every `w: 0` is therefore sent as `w: 1` (acknowledged, and its answer read).
 * The driver has no option for this, so its command preparation is wrapped; this touches no
 * other command, and no write that already asks for an acknowledgement.
 */
import { createRequire } from 'node:module';
import mongoose from 'mongoose';

type Command = Record<string, unknown> & { writeConcern?: { w?: unknown } };
type PrepareCommand = (this: unknown, db: string, command: Command, options: unknown) => unknown;
interface ConnectionPrototype {
  prepareCommand: PrepareCommand;
}

let original: PrepareCommand | undefined;

/** The driver copy Mongoose uses (the one whose client the app and connect-mongo share). */
function connectionPrototype(): ConnectionPrototype | undefined {
  try {
    const driverRequire = createRequire(require.resolve('mongoose'));
    if (driverRequire('mongodb') !== mongoose.mongo) return undefined;
    const prototype = (driverRequire('mongodb/lib/cmap/connection') as { Connection?: { prototype?: Partial<ConnectionPrototype> } }).Connection?.prototype;
    return typeof prototype?.prepareCommand === 'function' ? (prototype as ConnectionPrototype) : undefined;
  } catch {
    return undefined;
  }
}

function acknowledged(this: unknown, db: string, command: Command, options: unknown): unknown {
  const writeConcern = command?.writeConcern;
  if (writeConcern && typeof writeConcern === 'object' && writeConcern.w === 0) {
    command = { ...command, writeConcern: { ...writeConcern, w: 1 } };
  }
  return original!.call(this, db, command, options);
}

/**
 * Sends every `w: 0` write as `w: 1` (true), or back as fire-and-forget (false). False when the
 * driver is not the one this was written for (7.x): then nothing changed.
 */
export function acknowledgeUnacknowledgedWrites(on: boolean): boolean {
  const prototype = connectionPrototype();
  if (!prototype) return false;
  if (on && !original) {
    original = prototype.prepareCommand;
    prototype.prepareCommand = acknowledged;
  } else if (!on && original) {
    prototype.prepareCommand = original;
    original = undefined;
  }
  return true;
}
