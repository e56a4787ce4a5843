import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('has working defaults for a local start', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      baseUrl: 'http://localhost:3000',
      secureCookies: false,
      mongodbUri: undefined,
      defaultLanguage: 'en',
      trustProxy: false,
      localDatabase: 'auto',
      admin: undefined,
    });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('marks cookies secure when the public address is https', () => {
    const config = loadConfig({ BASE_URL: 'https://learning.example.eu/', TRUST_PROXY: '1' });
    expect(config.baseUrl).toBe('https://learning.example.eu');
    expect(config.secureCookies).toBe(true);
    expect(config.trustProxy).toBe(1);
  });

  it('refuses production without a session secret of 32+ characters', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(31) })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).isProduction).toBe(true);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: '99999', LOG_LEVEL: 'loud', DEFAULT_LANGUAGE: 'tlh', SMTP_URL: 'http://mail', BASE_URL: 'ftp://x' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'LOG_LEVEL', 'DEFAULT_LANGUAGE', 'SMTP_URL', 'BASE_URL']) expect(problems).toContain(name);
    }
  });

  it('needs both admin variables, and a password of 12+ characters', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'admin@example.org' })).toThrow(/ADMIN_PASSWORD is required/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'short' })).toThrow(/at least 12/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long enough password' })).toThrow(/ADMIN_EMAIL/);
    expect(loadConfig({ ADMIN_EMAIL: 'admin@example.org', ADMIN_PASSWORD: 'long enough password' }).admin).toEqual({
      email: 'admin@example.org',
      password: 'long enough password',
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '', SMTP_URL: '' })).toMatchObject({ port: 3000, mongodbUri: undefined, smtpUrl: undefined });
  });
});
