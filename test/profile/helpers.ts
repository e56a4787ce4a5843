import type { Express } from 'express';
import request from 'supertest';
import type { Response } from 'supertest';
import { createAccountByOperator } from '../../src/accounts/service';
import { submitForm } from '../support/forms';

export type Agent = ReturnType<typeof request.agent>;

export const PASSWORD = 'a long and private passphrase';

/**
 * A verified account made as an operator would (no registration limit to run into), and a
 * browser-like agent signed in to it through the real sign-in form.
 */
export async function signedInAgent(app: Express, email: string, name = 'Kai Lindgren'): Promise<Agent> {
  await createAccountByOperator({ email, name, roles: ['stakeholder'], password: PASSWORD, language: 'en' });
  return signIn(app, email, PASSWORD);
}

export async function signIn(app: Express, email: string, password: string): Promise<Agent> {
  const agent = request.agent(app);
  const res = await submitForm(agent, '/sign-in', '/sign-in', { email, password });
  if (res.status !== 303) throw new Error(`sign-in of ${email} failed with ${res.status}`);
  return agent;
}

/** Whether the agent is still signed in: the profile answers instead of sending it to sign in. */
export async function isSignedIn(agent: Agent): Promise<boolean> {
  const res = await agent.get('/profile');
  return res.status === 200;
}

/** Where a redirect leads. */
export function locationOf(res: Response): string {
  const location = res.headers.location;
  if (typeof location !== 'string') throw new Error(`expected a redirect, got ${res.status}`);
  return location;
}

/** The text of the page's confirmation message (role="status"), if any. */
export function statusMessage(res: Response): string | undefined {
  return /<p class="notice" role="status">([^<]*)<\/p>/.exec(res.text)?.[1]?.trim();
}

/** The message shown next to a field, unescaped enough to compare with the locale text. */
export function fieldError(res: Response, field: string): string | undefined {
  return new RegExp(`<p class="field-error" id="error-${field}">([^<]*)</p>`).exec(res.text)?.[1];
}

export function mailTo(address: string) {
  return (message: { to?: unknown }) => JSON.stringify(message.to ?? '').includes(address);
}
