import type { RequestIdVariables } from 'hono/request-id';
import type { AuthenticatedToken } from '../services/api-tokens.ts';

/** A signed-in person using their own area of the API (`/api/v1/me`), admin or not. */
export interface Person {
  id: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
}

/** Hono context variables set by our middleware. */
export type AppEnv = {
  Variables: RequestIdVariables & {
    adminToken?: AuthenticatedToken;
    /** The administrator signed in to the console, when the request came with its cookie. */
    consoleUser?: { id: string; email: string; name: string | null };
    /** Set by a route that recorded its change in the admin trail itself (see http/admin-trail.ts). */
    adminEventRecorded?: boolean;
    /** Set by requirePerson on `/api/v1/me/*`: whose area this request is. */
    person?: Person;
  };
};
