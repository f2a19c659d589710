import { users } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from './env.ts';
import { requestCredential } from './request-credential.ts';

/**
 * `/api/v1/me/*`: any signed-in person, administrator or not, acting on their own things
 * only. Accepted (request-credential.ts): the console session cookie, or an admin API
 * token that belongs to a person (automation of one's own keys and connections). A
 * personal MCP key is refused: it is for MCP endpoints only, so a leaked key cannot mint
 * more keys.
 */
export function requirePerson(ctx: ServiceContext, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const credential = await requestCredential(ctx, c, logger, 'sign in to the console, or send an API token of yours (Authorization: Bearer <token>)');
    if (credential.kind === 'session') {
      const { session } = credential;
      c.set('person', { id: session.userId, email: session.email, name: session.name, isAdmin: session.isAdmin });
    } else {
      const { userId } = credential.token;
      const [owner] = userId
        ? await ctx.db.select({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin, disabled: users.disabled }).from(users).where(eq(users.id, userId))
        : [];
      if (!owner || owner.disabled) throw new AppError(403, 'no_person', 'this API token belongs to no (enabled) person, so it has no keys or connections of its own');
      c.set('person', { id: owner.id, email: owner.email, name: owner.name, isAdmin: owner.isAdmin });
    }
    await next();
  };
}
