import type { ZodError } from 'zod';
import { AppError, badRequest } from '../errors.ts';

/** One readable line per problem, each starting with the field path ("entries.0.name: …"). */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : '(body)';
      const union = issue as { discriminator?: string; options?: unknown[] };
      if (issue.code === 'invalid_union' && union.discriminator && Array.isArray(union.options)) {
        return `${[...issue.path, union.discriminator].join('.')}: must be one of ${union.options.join(', ')}`;
      }
      // zod's own wording is replaced; a schema's message (e.g. "did you mean …?") is kept.
      if (issue.code === 'unrecognized_keys' && /^Unrecognized keys?:/.test(issue.message)) {
        return `${path}: unknown field(s) ${issue.keys.join(', ')}`;
      }
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * zod-openapi's hook for failed request validation: a malformed id in the path names a
 * resource that does not exist (404); anything else is the client's invalid input (400).
 */
export function validationHook(result: { success: true } | { success: false; error: ZodError; target: string }): undefined {
  if (result.success) return undefined;
  if (result.target === 'param') throw new AppError(404, 'not_found', 'no such resource');
  throw badRequest(describeZodError(result.error), 'invalid_input');
}
