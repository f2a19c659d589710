import type { RequestIdVariables } from 'hono/request-id';
import type { AuthenticatedToken } from '../services/api-tokens.ts';

/** Hono context variables set by our middleware. */
export type AppEnv = {
  Variables: RequestIdVariables & {
    adminToken?: AuthenticatedToken;
    /** The administrator signed in to the console, when the request came with its cookie. */
    consoleUser?: { id: string; email: string; name: string | null };
    /** The signed-in person of a self-service (`/me`) request (see person-auth.ts). */
    person?: { id: string; email: string | null; isAdmin: boolean };
  };
};
