/**
 * A small HTTP client for benchmarks that act as browsers: node:http over a keep-alive agent
 * (fetch/undici keeps its own pool and timeouts, which would blur the latencies), a cookie jar
 * per signed-in person, form posts with the page's CSRF token, and the authenticator code of
 * the two-factor step (RFC 6238 written out, as test/support/two-factor.ts does).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { base32Decode } from '../src/two-factor/codes';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Timed {
  status: number;
  /** Until the whole body arrived, or until its first byte with `firstByte`. */
  ms: number;
}

/** Cookies by name, sent back on every request, as a browser would for one site. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(headers: http.IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      if (at > 0) this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
  }

  header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') : undefined;
  }
}

export interface RequestOptions {
  agent: http.Agent;
  jar?: CookieJar;
  bearer?: string;
  method?: 'GET' | 'POST';
  form?: Record<string, string>;
}

function headersFor(options: RequestOptions, body?: string): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { Accept: 'text/html,application/json' };
  const cookie = options.jar?.header();
  if (cookie) headers.Cookie = cookie;
  if (options.bearer) headers.Authorization = `Bearer ${options.bearer}`;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  return headers;
}

/** One request, the whole answer read; cookies it sets go into the jar. */
export function send(url: string, options: RequestOptions): Promise<Answer> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent: options.agent, headers: headersFor(options, body) }, (res) => {
      options.jar?.take(res.headers);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One timed GET. With `firstByte`, the clock stops at the first body byte and the download is
 * abandoned (the socket destroyed, so the server sees the client go, as when a browser stops).
 */
export function timedGet(url: string, options: RequestOptions & { firstByte?: boolean }): Promise<Timed> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', agent: options.agent, headers: headersFor(options) }, (res) => {
      const status = res.statusCode ?? 0;
      if (options.firstByte) {
        res.once('data', () => {
          const ms = performance.now() - start;
          req.destroy();
          resolve({ status, ms });
        });
        // An empty body (an error answer, say) ends without data.
        res.once('end', () => resolve({ status, ms: performance.now() - start }));
        res.on('error', () => undefined);
        return;
      }
      res.on('data', () => undefined);
      res.on('end', () => resolve({ status, ms: performance.now() - start }));
      res.on('error', reject);
    });
    req.on('error', (error) => (options.firstByte && req.destroyed ? undefined : reject(error)));
    req.end();
  });
}

/** The CSRF token a page put in its form. */
export function csrfTokenIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token in the page');
  return token;
}

/** The six digits an authenticator app shows at `at` (ms) for a base32 secret. */
export function totpCode(secret: string, at: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/**
 * Signs in through the sign-in form (and the two-factor step when `totpSecret` is given) and
 * returns the jar holding the signed-in session cookie. Throws when a step is not answered
 * as a browser would expect, so a bench never measures a signed-out page by mistake.
 */
export async function signIn(site: string, agent: http.Agent, email: string, password: string, totpSecret?: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const page = await send(`${site}/sign-in`, { agent, jar });
  if (page.status !== 200) throw new Error(`GET /sign-in answered ${page.status}`);
  const posted = await send(`${site}/sign-in`, { agent, jar, method: 'POST', form: { _csrf: csrfTokenIn(page.body), email, password } });
  if (posted.status !== 303) throw new Error(`signing in ${email} answered ${posted.status}`);
  if (!totpSecret) return jar;
  const step = await send(`${site}/sign-in/two-factor`, { agent, jar });
  if (step.status !== 200) throw new Error(`GET /sign-in/two-factor answered ${step.status}`);
  const code = totpCode(totpSecret, Date.now());
  const passed = await send(`${site}/sign-in/two-factor`, { agent, jar, method: 'POST', form: { _csrf: csrfTokenIn(step.body), code } });
  if (passed.status !== 303) throw new Error(`the two-factor step for ${email} answered ${passed.status}`);
  return jar;
}
