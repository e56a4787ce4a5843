/**
 * Counts the database commands each HTTP request makes. The driver emits `commandStarted` in
 * the async context of the code that sent the command, so a command belongs to the request
 * whose AsyncLocalStorage context it runs in — background jobs (mails, recounts, session
 * cleanup) run outside any request and are not counted. Needs `useTestDatabase(…, {
 * monitorCommands: true })`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';

export interface RequestCommands {
  /**
   * `find users`, `aggregate trained_people`, … in the order sent; a read that FerretDB can
   * answer from its primary key (a filter on `_id` alone) is marked `by id`, every other read
   * scans and decodes the whole collection there.
   */
  commands: string[];
}

/** FerretDB (SQLite) reads by key only a filter that is exactly `{_id: <value>}`. */
function byId(filter: unknown): boolean {
  if (!filter || typeof filter !== 'object') return false;
  const keys = Object.keys(filter);
  const value = (filter as Record<string, unknown>)._id;
  return keys.length === 1 && keys[0] === '_id' && (typeof value !== 'object' || value === null || '_bsontype' in value);
}

const current = new AsyncLocalStorage<RequestCommands>();
let listening = false;

function record(event: CommandStartedEvent): void {
  const request = current.getStore();
  if (!request) return;
  const target = event.command[event.commandName];
  const name = typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName;
  request.commands.push(event.commandName === 'find' && byId(event.command.filter) ? `${name} by id` : name);
}

/**
 * The app wrapped so that each request runs in its own counting context; `last()` is what the
 * most recent request sent. Pass the wrapper to supertest where the app would go.
 */
export function countingRoundTrips(app: Express): { handler: Express; last(): string[] } {
  if (!listening) {
    mongoose.connection.getClient().on('commandStarted', record);
    listening = true;
  }
  let latest: RequestCommands = { commands: [] };
  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    latest = { commands: [] };
    current.run(latest, () => app(req as never, res as never));
  }) as unknown as Express;
  return { handler, last: () => latest.commands };
}
