import { pino, type Logger } from 'pino';

/**
 * JSON logs. Credentials are redacted by path as a second line of defence; the first is
 * never putting them in a log call.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchboard' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
