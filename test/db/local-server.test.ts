import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { LocalDatabaseError } from '../../src/db';
import { startLocalDatabase } from '../../src/db/local-server';
import { testLogger } from '../support/logger';
import { startOwnServer, temporaryDirectory } from '../support/local-server';

jest.setTimeout(90_000);

async function withClient<T>(uri: string, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

describe('the embedded database server', () => {
  const dataDir = temporaryDirectory('liaise-local-');
  afterAll(() => dataDir.remove());

  it('keeps its data in the data directory across a restart', async () => {
    const first = await startOwnServer(dataDir.path);
    await withClient(first.uri, (client) => client.db('liaise').collection('notes').insertOne({ text: 'Liège ✓' }));
    await first.stop();

    const second = await startOwnServer(dataDir.path);
    try {
      const notes = await withClient(second.uri, (client) => client.db('liaise').collection('notes').find().toArray());
      expect(notes.map((note) => note.text)).toEqual(['Liège ✓']);
    } finally {
      await second.stop();
    }
  });

  it('is shared, not started twice, by a second process on the same data (app and seed)', async () => {
    const owner = await startOwnServer(dataDir.path);
    try {
      const lease = JSON.parse(readFileSync(path.join(dataDir.path, 'server.json'), 'utf8'));
      expect(lease.pid).toBe(owner.pid);
      const guest = await startOwnServer(dataDir.path);
      expect(guest.uri).toBe(owner.uri);
      await guest.stop(); // a guest's stop leaves the owner's server running
      await withClient(owner.uri, (client) => client.db('liaise').command({ ping: 1 }));
    } finally {
      await owner.stop();
    }
    expect(existsSync(path.join(dataDir.path, 'server.json'))).toBe(false);
    expect(() => process.kill(owner.pid, 0)).toThrow();
  });
});

describe('when no database server can be had', () => {
  const originalPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = originalPath;
  });

  it('stops with a message naming the three ways', async () => {
    const dataDir = temporaryDirectory('liaise-none-');
    const toolsDir = temporaryDirectory('liaise-no-tools-');
    process.env.PATH = toolsDir.path; // no ferretdb, no go
    try {
      const attempt = startLocalDatabase({ dataDir: dataDir.path, toolsDir: toolsDir.path, prefer: 'ferretdb', log: testLogger });
      await expect(attempt).rejects.toThrow(LocalDatabaseError);
      await expect(attempt).rejects.toThrow(/MONGODB_URI[\s\S]*mongodb-memory-server[\s\S]*FerretDB 1\.24\.2[\s\S]*Go/);
    } finally {
      dataDir.remove();
      toolsDir.remove();
    }
  });

  it('says so when FERRETDB_PATH points nowhere', async () => {
    const dataDir = temporaryDirectory('liaise-none-');
    try {
      await expect(
        startLocalDatabase({
          dataDir: dataDir.path,
          toolsDir: dataDir.path,
          ferretdbPath: '/nonexistent/ferretdb',
          prefer: 'ferretdb',
          log: testLogger,
        }),
      ).rejects.toThrow(/FERRETDB_PATH points at \/nonexistent\/ferretdb/);
    } finally {
      dataDir.remove();
    }
  });
});
