import { z } from 'zod';
import { timestampSchema, uuidSchema } from './common.ts';

/** `POST /api/v1/session`: a local person signs in to the console. */
export const consoleSignInSchema = z
  .object({
    email: z.email('must be an email address').max(320),
    password: z.string().min(1, 'is required').max(1024),
  })
  .strict()
  .meta({ id: 'ConsoleSignIn' });
export type ConsoleSignIn = z.infer<typeof consoleSignInSchema>;

/**
 * `GET /api/v1/session`: who is signed in to the console in this browser. `user` is null
 * when nobody is. The console echoes `csrfToken` in `X-CSRF-Token` on every change.
 */
export const consoleSessionSchema = z
  .object({
    /** `isAdmin`: whether the console shows the administration pages (the admin API checks it on every request). */
    user: z.object({ id: uuidSchema, email: z.string(), name: z.string().nullable(), isAdmin: z.boolean() }).nullable(),
    csrfToken: z.string().nullable(),
    expiresAt: timestampSchema.nullable(),
  })
  .meta({ id: 'ConsoleSession' });
export type ConsoleSession = z.infer<typeof consoleSessionSchema>;

/** `GET /api/v1/session/providers`: the enabled OpenID providers the console offers for sign-in. */
export const consoleProvidersSchema = z
  .object({
    items: z.array(z.object({ slug: z.string(), displayName: z.string(), loginUrl: z.string() })),
  })
  .meta({ id: 'ConsoleProviders' });
export type ConsoleProviders = z.infer<typeof consoleProvidersSchema>;

/**
 * `POST /api/v1/session/token`: whether an admin API token is live and may use the console,
 * checked before the console keeps it (a wrong token is refused at sign-in, not later).
 */
export const consoleTokenCheckSchema = z
  .object({ token: z.string().trim().min(1, 'is required').max(512) })
  .strict()
  .meta({ id: 'ConsoleTokenCheck' });
export type ConsoleTokenCheck = z.infer<typeof consoleTokenCheckSchema>;

export const consoleTokenInfoSchema = z
  .object({ scopes: z.array(z.string()), readOnly: z.boolean() })
  .meta({ id: 'ConsoleTokenInfo' });
export type ConsoleTokenInfo = z.infer<typeof consoleTokenInfoSchema>;
