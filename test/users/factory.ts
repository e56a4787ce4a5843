import type { Express } from 'express';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import type { Role } from '../../src/accounts/model';
import { User } from '../../src/accounts/model';
import { hashPassword } from '../../src/accounts/passwords';
import { csrfTokenIn, submitForm } from '../support/forms';
import { type AuthenticatorApp, giveTwoFactor } from '../support/two-factor';

export const PASSWORD = 'a long and sensible passphrase';

let hashed: Promise<string> | undefined;

export interface UserFields {
  email: string;
  name?: string;
  roles?: Role[];
  country?: string;
  scopeCountries?: string[];
  status?: 'active' | 'disabled';
}

export interface MadeUser {
  id: string;
  email: string;
  /** Admins and coordinators must use two-factor: their authenticator app. */
  phone?: AuthenticatorApp;
}

/** A verified account with PASSWORD, made directly in the database (set-up, not the subject). */
export async function makeUser(fields: UserFields): Promise<MadeUser> {
  hashed ??= hashPassword(PASSWORD);
  const created = await User.create({
    name: fields.email.split('@')[0],
    roles: ['stakeholder'],
    emailVerifiedAt: new Date(),
    passwordHash: await hashed,
    ...fields,
  });
  const id = String(created._id);
  const staff = created.roles.some((role) => role === 'admin' || role === 'coordinator');
  return { id, email: created.email, ...(staff ? { phone: await giveTwoFactor(id) } : {}) };
}

/** An API token of the account (made directly: staff would need a TOTP code through the API). */
export async function tokenFor(user: Pick<MadeUser, 'id'>): Promise<string> {
  return (await createApiToken(user.id, 'tests')).token;
}

/** A browser-like agent signed in through the real sign-in form (and its two-factor step). */
export async function signedInAgent(app: Express, user: MadeUser) {
  const agent = request.agent(app);
  const res = await submitForm(agent, '/sign-in', '/sign-in', { email: user.email, password: PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in of ${user.email} failed with ${res.status}`);
  if (res.headers.location === '/sign-in/two-factor') {
    if (!user.phone) throw new Error(`${user.email} has no authenticator app`);
    const step = await agent.get('/sign-in/two-factor').expect(200);
    await agent.post('/sign-in/two-factor').type('form').send({ _csrf: csrfTokenIn(step.text), code: user.phone.nextCode() }).expect(303);
  }
  return agent;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A form post as a browser sends it: repeated names for ticked checkboxes (roles=a&roles=b). */
export function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  return params.toString();
}
