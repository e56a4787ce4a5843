import request from 'supertest';
import type { Express } from 'express';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { csrfTokenIn } from './forms';
import { giveTwoFactor } from './two-factor';

export const PERSONA_PASSWORD = 'persona passphrase that is long enough';

/** The people the authorisation rules are about. Coordinators are scoped to one country. */
export const PERSONAS = ['anonymous', 'stakeholder', 'trainer', 'coordinatorInScope', 'coordinatorOutOfScope', 'admin'] as const;
export type Persona = (typeof PERSONAS)[number];

/** The country of the accounts the matrix acts on; the in-scope coordinator covers it. */
export const TARGET_COUNTRY = 'BE';

const ACCOUNT: Record<Exclude<Persona, 'anonymous'>, { roles: Role[]; scopeCountries: string[] }> = {
  stakeholder: { roles: ['stakeholder'], scopeCountries: [] },
  trainer: { roles: ['trainer'], scopeCountries: [] },
  coordinatorInScope: { roles: ['coordinator'], scopeCountries: [TARGET_COUNTRY] },
  coordinatorOutOfScope: { roles: ['coordinator'], scopeCountries: ['SE'] },
  admin: { roles: ['admin'], scopeCountries: [] },
};

let passwordHash: Promise<string> | undefined;
let serial = 0;

export interface SignedInPersona {
  persona: Persona;
  userId?: string;
  email?: string;
  /** A browser: cookies kept between requests. */
  agent: ReturnType<typeof request.agent>;
  /** An API token of the same account (none for anonymous). */
  token?: string;
}

/** Creates the account (two-factor on, email verified), signs it in on the web and gives it a token. */
export async function signInPersona(app: Express, persona: Persona): Promise<SignedInPersona> {
  const agent = request.agent(app);
  if (persona === 'anonymous') return { persona, agent };
  serial += 1;
  passwordHash ??= hashPassword(PERSONA_PASSWORD);
  const email = `${persona.toLowerCase()}-${serial}@example.org`;
  const user = await User.create({
    email,
    name: `${persona} ${serial}`,
    passwordHash: await passwordHash,
    country: TARGET_COUNTRY,
    emailVerifiedAt: new Date(),
    ...ACCOUNT[persona],
  });
  const userId = String(user._id);
  const phone = await giveTwoFactor(userId);
  const signInPage = await agent.get('/sign-in').expect(200);
  await agent.post('/sign-in').type('form').send({ _csrf: csrfTokenIn(signInPage.text), email, password: PERSONA_PASSWORD }).expect(303);
  const step = await agent.get('/sign-in/two-factor').expect(200);
  await agent.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(step.text), code: phone.nextCode() }).expect(303);
  const { token } = await createApiToken(userId, 'matrix');
  return { persona, userId, email, agent, token };
}

/** A stakeholder in the target country for the matrix to act on. */
export async function createTargetAccount(overrides: { roles?: Role[]; country?: string } = {}): Promise<string> {
  serial += 1;
  passwordHash ??= hashPassword(PERSONA_PASSWORD);
  const user = await User.create({
    email: `target-${serial}@example.org`,
    name: `Target ${serial}`,
    passwordHash: await passwordHash,
    roles: overrides.roles ?? ['stakeholder'],
    country: overrides.country ?? TARGET_COUNTRY,
    emailVerifiedAt: new Date(),
  });
  return String(user._id);
}

/** Signs in an account that already exists (demo data, a session's trainer): gives it a password and two-factor first. */
export async function signInAccount(app: Express, userId: string): Promise<ReturnType<typeof request.agent>> {
  passwordHash ??= hashPassword(PERSONA_PASSWORD);
  const user = await User.findByIdAndUpdate(userId, { $set: { passwordHash: await passwordHash, emailVerifiedAt: new Date(), status: 'active' } }, { new: true }).lean();
  if (!user) throw new Error(`no account ${userId}`);
  const phone = await giveTwoFactor(userId);
  const agent = request.agent(app);
  const signInPage = await agent.get('/sign-in').expect(200);
  await agent.post('/sign-in').type('form').send({ _csrf: csrfTokenIn(signInPage.text), email: user.email, password: PERSONA_PASSWORD }).expect(303);
  const step = await agent.get('/sign-in/two-factor').expect(200);
  await agent.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(step.text), code: phone.nextCode() }).expect(303);
  return agent;
}
