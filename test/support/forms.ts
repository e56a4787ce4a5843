import type request from 'supertest';
import type { Response } from 'supertest';

/** The CSRF token a page put in its form, as a browser would submit it. */
export function csrfTokenIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token in the page');
  return token;
}

export function firstLinkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s"<>]+${path}\\?token=[A-Za-z0-9_%-]+`).exec(text);
  if (!match) throw new Error(`no ${path} link in the mail`);
  return match[0];
}

export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

export function fieldErrorIds(res: Response): string[] {
  return [...res.text.matchAll(/id="error-([a-zA-Z]+)"/g)].map((match) => match[1]!);
}

/** Opens a page and submits its form, CSRF token included, as a browser would. */
export async function submitForm(agent: ReturnType<typeof request.agent>, page: string, action: string, form: Record<string, string | string[]>) {
  const token = csrfTokenIn((await agent.get(page).expect(200)).text);
  return agent.post(action).type('form').send({ ...form, _csrf: token });
}
