import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from './env.ts';
import { requestCredential } from './request-credential.ts';

/**
 * Admin API authentication (request-credential.ts): an admin API token, or the console
 * session of an administrator.
 */
export function requireAdmin(ctx: ServiceContext, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = await requestCredential(ctx, c, logger, 'an admin API token is required (Authorization: Bearer <token>)');
    if (credential.kind === 'token') c.set('adminToken', credential.token);
    else {
      const { session } = credential;
      if (!session.isAdmin) throw new AppError(403, 'forbidden', 'only administrators can use the admin API');
      c.set('consoleUser', { id: session.userId, email: session.email, name: session.name });
    }
    await next();
  };
}
