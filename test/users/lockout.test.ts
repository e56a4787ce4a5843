import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { findSessionUser } from '../../src/accounts/service';
import { ConflictError } from '../../src/http/errors';
import { seedReferenceData } from '../../src/reference/seed';
import { updateUser } from '../../src/users/service';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { bearer, makeUser, tokenFor } from './factory';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database());
});

beforeEach(async () => {
  await User.deleteMany({});
});

const activeAdmins = () => User.countDocuments({ roles: 'admin', status: 'active' });

describe('the last active administrator', () => {
  it('cannot be demoted or disabled, even by an admin who was disabled meanwhile', async () => {
    const first = await makeUser({ email: 'first@example.org', roles: ['admin'] });
    const second = await makeUser({ email: 'second@example.org', roles: ['admin'] });
    // `first` acts with what their request knew; meanwhile another request disabled them.
    const actor = (await findSessionUser(first.id))!;
    await User.updateOne({ _id: first.id }, { $set: { status: 'disabled' } });

    for (const change of [{ roles: ['trainer' as const] }, { status: 'disabled' as const }]) {
      const refused = await updateUser(actor, second.id, change).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ConflictError);
      expect((refused as ConflictError).code).toBe('last-admin');
    }
    expect(await User.findById(second.id).lean()).toMatchObject({ roles: ['admin'], status: 'active' });
  });

  it('survives two administrators demoting each other at the same moment', async () => {
    const ann = await makeUser({ email: 'ann@example.org', roles: ['admin'] });
    const bob = await makeUser({ email: 'bob@example.org', roles: ['admin'] });
    const [annToken, bobToken] = [await tokenFor(ann), await tokenFor(bob)];
    const answers = await Promise.all([
      request(app).patch(`/api/v1/users/${bob.id}`).set(bearer(annToken)).send({ roles: ['trainer'] }),
      request(app).patch(`/api/v1/users/${ann.id}`).set(bearer(bobToken)).send({ roles: ['trainer'] }),
    ]);
    for (const answer of answers) expect([200, 403, 409]).toContain(answer.status);
    expect(answers.some((answer) => answer.status !== 200)).toBe(true);
    expect(await activeAdmins()).toBeGreaterThanOrEqual(1);
  });

  it('may be one of several: demoting another admin works while one remains', async () => {
    const ann = await makeUser({ email: 'ann2@example.org', roles: ['admin'] });
    const bob = await makeUser({ email: 'bob2@example.org', roles: ['admin', 'trainer'] });
    const res = await request(app).patch(`/api/v1/users/${bob.id}`).set(bearer(await tokenFor(ann))).send({ roles: ['trainer'] }).expect(200);
    expect(res.body.roles).toEqual(['trainer']);
    expect(await activeAdmins()).toBe(1);
  });
});
