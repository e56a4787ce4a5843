import path from 'node:path';
import type { Response } from 'express';
import { PROJECT_ROOT } from '../version';

export const VIEWS_DIR = path.join(PROJECT_ROOT, 'views');

export interface PageLocals {
  /** The page's own title; the layout appends the product name. */
  title: string;
  [name: string]: unknown;
}

/**
 * Renders `views/<view>.ejs` inside the one layout (header, navigation, language switcher,
 * main, footer), so no page can forget the landmarks or the switcher.
 */
export async function renderPage(res: Response, view: string, locals: PageLocals, status = 200): Promise<void> {
  const body = await renderView(res, view, locals);
  const html = await renderView(res, 'layouts/main', { ...locals, body });
  res.status(status).type('html').send(html);
}

function renderView(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    res.app.render(view, { ...res.locals, ...locals }, (error, html) => (error ? reject(error) : resolve(html)));
  });
}
