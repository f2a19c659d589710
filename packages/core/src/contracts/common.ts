import { z } from 'zod';

export const uuidSchema = z.uuid();

/** `{ error: { code, message } }` — the body of every failed admin API response. */
export const errorBodySchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A secret as the API shows it: only whether it is set. Secrets are write-only. */
export const secretStateSchema = z.object({ hasValue: z.boolean() }).meta({ id: 'SecretState' });
export type SecretState = z.infer<typeof secretStateSchema>;

export const timestampSchema = z.iso.datetime({ offset: true });

/** Names used in tool prefixes and URLs: short, unambiguous, safe in every client. */
export const slugSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$/, 'must be 1-48 letters, digits, "_" or "-", starting with a letter or digit');
