import type { z } from 'zod';

/** Field path ("env.API_KEY", "entries.0.exposedName") → the first message for it. */
export type FieldErrors = Record<string, string>;

/**
 * Validates with a contract schema (the same zod schema the API validates with) and
 * returns either the parsed value or one message per field path.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '(form)';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The message for `field` or any path under it. */
export function errorFor(errors: FieldErrors, field: string): string | undefined {
  if (errors[field]) return errors[field];
  const nested = Object.keys(errors).find((k) => k.startsWith(`${field}.`));
  return nested ? errors[nested] : undefined;
}
