import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs for machines; readable lines only for a developer at a terminal. */
export function createLogger(options: { level: string; pretty: boolean }): Logger {
  const prettyAvailable = options.pretty && canResolve('pino-pretty');
  return pino({
    level: options.level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password'],
      censor: '[redacted]',
    },
    ...(prettyAvailable
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
      : {}),
  });
}

function canResolve(moduleName: string): boolean {
  try {
    require.resolve(moduleName);
    return true;
  } catch {
    return false;
  }
}
