import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { findFreePort } from '../src/db/ports';
import { PROJECT_ROOT } from '../src/version';
import { testDatabaseUri, uniqueDatabaseName } from './support/database';
import { eventually, temporaryDirectory } from './support/local-server';

jest.setTimeout(120_000);

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  port: number;
}

/** Starts the real server, as `npm run dev` does, with the given environment. */
async function startServer(env: NodeJS.ProcessEnv, script = 'src/server.ts'): Promise<Running> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOCAL_DATABASE: process.env.LOCAL_DATABASE, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, port };
}

function get(port: number, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', () => resolve({ status: 0, body: '' }));
  });
}

it('refuses to start in production without a strong SESSION_SECRET, saying why', async () => {
  const server = await startServer({ NODE_ENV: 'production', SESSION_SECRET: 'short', MONGODB_URI: testDatabaseUri() });
  expect(await server.exited).toBe(1);
  expect(server.output()).toMatch(/SESSION_SECRET is required in production and must be at least 32 characters/);
});

it('refuses a malformed setting with the variable named', async () => {
  const server = await startServer({ PORT: 'eighty', MONGODB_URI: 'postgres://nope' });
  expect(await server.exited).toBe(1);
  expect(server.output()).toMatch(/PORT/);
  expect(server.output()).toMatch(/MONGODB_URI must start with mongodb:\/\//);
});

it('starts without its database, answers 503, and says why in the log', async () => {
  const deadPort = await findFreePort();
  const server = await startServer({ MONGODB_URI: `mongodb://127.0.0.1:${deadPort}/liaise` });
  try {
    const health = await eventually(() => get(server.port, '/healthz'), (res) => res.status !== 0);
    expect(health.status).toBe(503);
    // Start-up work cannot run without the database: pages say the site is starting.
    expect(JSON.parse(health.body)).toMatchObject({ status: 'unavailable' });
    expect((await get(server.port, '/')).status).toBe(503);
    await eventually(async () => server.output(), (output) => /cannot reach the database/.test(output));
    expect(server.output()).toMatch(/cannot reach the database at mongodb:\/\/127\.0\.0\.1:\d+\/liaise .*retrying/);
  } finally {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }
});

it('on the embedded default: seeds, creates the admin, finishes requests in flight and stops its database on SIGTERM', async () => {
  const dataDir = temporaryDirectory('liaise-server-');
  const server = await startServer({
    DATA_DIR: dataDir.path,
    ADMIN_EMAIL: 'Admin@Example.org',
    ADMIN_PASSWORD: 'a long enough admin password',
  });
  try {
    const health = await eventually(() => get(server.port, '/healthz'), (res) => res.status === 200, 90_000);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    expect(server.output()).toMatch(/embedded database: (FerretDB|MongoDB)/);
    await eventually(async () => server.output(), (output) => /created the administrator account admin@example.org/.test(output));
    expect(server.output()).toMatch(/organisations: 32 added/);

    const lease = JSON.parse(readFileSync(path.join(dataDir.path, 'server.json'), 'utf8')) as { uri: string; pid: number };
    const client = await MongoClient.connect(lease.uri);
    const admin = await client.db('liaise').collection('users').findOne({ email: 'admin@example.org' });
    await client.close();
    expect(admin?.roles).toEqual(['admin']);
    expect(admin?.passwordHash).toMatch(/^\$argon2id\$/);

    // A request whose body is still arriving when the signal comes must still be answered.
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/v1/countries', headers: { 'Content-Type': 'application/json', 'Content-Length': 11 } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"slow":');
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end('42}'), 500);
      }, 200);
    });
    expect(await inFlight).toBe(404);
    expect(await server.exited).toBe(0);
    expect(() => process.kill(lease.pid, 0)).toThrow();
  } finally {
    server.child.kill('SIGKILL');
    dataDir.remove();
  }
});

it('npm run seed is idempotent: the second run changes nothing', async () => {
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${uniqueDatabaseName(__filename)}`;
  const first = await startServer({ MONGODB_URI: uri.toString() }, 'src/cli/seed.ts');
  expect(await first.exited).toBe(0);
  expect(first.output()).toMatch(/cities: 26 added, 0 updated, 0 unchanged/);
  const second = await startServer({ MONGODB_URI: uri.toString() }, 'src/cli/seed.ts');
  expect(await second.exited).toBe(0);
  expect(second.output()).toMatch(/countries: 0 added, 0 updated, 11 unchanged/);
  expect(second.output()).toMatch(/organisations: 0 added, 0 updated, 32 unchanged/);
  const client = await MongoClient.connect(uri.toString());
  await client.db().dropDatabase();
  await client.close();
});

it('npm run user:create makes a verified account with the given role, and refuses a weak password', async () => {
  const uri = new URL(testDatabaseUri());
  uri.pathname = `/${uniqueDatabaseName(__filename)}`;
  const weak = await startServer({ MONGODB_URI: uri.toString() }, 'src/cli/user-create.ts');
  expect(await weak.exited).toBe(2);

  const run = (args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/user-create.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MONGODB_URI: uri.toString(), NODE_ENV: 'test', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  };

  // An unknown option (--help included) prints the usage, not a stack trace.
  const help = await run(['--help']);
  expect(help.code).toBe(2);
  expect(help.output).toMatch(/^usage: npm run user:create/m);
  expect(help.output).not.toMatch(/\bat \S+ \(/);

  const refused = await run(['--email', 'coord@example.eu', '--role', 'coordinator', '--password', 'password1234']);
  expect(refused.code).toBe(1);
  expect(refused.output).toMatch(/not created: validation/);

  const created = await run(['--email', 'Coord@Example.eu', '--role', 'coordinator', '--role', 'trainer', '--name', 'Chris Coord', '--password', 'lighthouse keeper of utrecht']);
  expect(created.code).toBe(0);
  expect(created.output).toMatch(/created coord@example\.eu \(coordinator, trainer\)/);

  const client = await MongoClient.connect(uri.toString());
  const user = await client.db().collection('users').findOne({ email: 'coord@example.eu' });
  await client.db().dropDatabase();
  await client.close();
  expect(user).toMatchObject({ roles: ['coordinator', 'trainer'], name: 'Chris Coord' });
  expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
});

/** Whether a process runs (a zombie nobody reaped does not: this sandbox's init may not reap). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function postJson(port: number, pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: pathname, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(payload);
  });
}

it('when the embedded database dies under load: the app starts it again, keeps every acknowledged write, and still stops cleanly', async () => {
  const dataDir = temporaryDirectory('liaise-recovery-');
  const server = await startServer({ DATA_DIR: dataDir.path, TRUST_PROXY: 'true' });
  try {
    await eventually(() => get(server.port, '/healthz'), (res) => res.status === 200, 90_000);
    const lease = () => JSON.parse(readFileSync(path.join(dataDir.path, 'server.json'), 'utf8')) as { uri: string; pid: number };
    const firstPid = lease().pid;

    // Registrations from many addresses (the limit is per address), while the database is killed.
    const acknowledged: string[] = [];
    const answers: number[] = [];
    let serial = 0;
    const register = async () => {
      serial += 1;
      const email = `recovery-${serial}@example.org`;
      const status = await postJson(server.port, '/api/v1/auth/register', { email, password: 'a long enough password for recovery', name: `Recovery ${serial}`, country: 'BE' }, { 'X-Forwarded-For': `10.9.${serial >> 8}.${serial & 255}` });
      answers.push(status);
      if (status === 202) acknowledged.push(email);
    };
    for (let round = 0; round < 3; round += 1) await Promise.all([register(), register(), register()]);
    process.kill(firstPid, 'SIGKILL');
    for (let round = 0; round < 6; round += 1) await Promise.all([register(), register(), register()]);

    // Back without a restart of the app, on a new database process.
    await eventually(() => get(server.port, '/healthz'), (res) => res.status === 200, 60_000);
    expect(lease().pid).not.toBe(firstPid);
    expect(server.output()).toMatch(/stopped unexpectedly; starting it again/);
    for (let round = 0; round < 2; round += 1) await Promise.all([register(), register(), register()]);
    // Nothing a crowd does gives a 5xx other than the database's absence (503), and no request hangs.
    expect(answers.filter((status) => status !== 202 && status !== 503)).toEqual([]);
    expect(answers.filter((status) => status === 202).length).toBeGreaterThan(9);

    const client = await MongoClient.connect(lease().uri);
    const stored = await client.db('liaise').collection('users').find({ email: { $in: acknowledged } }).project({ email: 1 }).toArray();
    await client.close();
    expect(stored.map((user) => user.email).sort()).toEqual([...acknowledged].sort());

    const restartedPid = lease().pid;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(isRunning(restartedPid)).toBe(false);
  } finally {
    server.child.kill('SIGKILL');
    dataDir.remove();
  }
});

it('SIGTERM stops the app within its grace period even while its embedded database does not answer', async () => {
  const dataDir = temporaryDirectory('liaise-paused-');
  const server = await startServer({ DATA_DIR: dataDir.path });
  let databasePid = 0;
  try {
    await eventually(() => get(server.port, '/healthz'), (res) => res.status === 200, 90_000);
    databasePid = (JSON.parse(readFileSync(path.join(dataDir.path, 'server.json'), 'utf8')) as { pid: number }).pid;
    process.kill(databasePid, 'SIGSTOP');
    // A request waiting on the paused database while the stop comes.
    const waiting = get(server.port, '/api/v1/countries');
    server.child.kill('SIGTERM');
    expect(await server.exited).not.toBeNull();
    await waiting;
    expect(isRunning(databasePid)).toBe(false);
  } finally {
    server.child.kill('SIGKILL');
    if (databasePid) {
      try {
        process.kill(databasePid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
    dataDir.remove();
  }
});
