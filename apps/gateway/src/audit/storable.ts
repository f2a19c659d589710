import { sqlState } from '../errors.ts';

/**
 * Postgres refuses two things a JavaScript string may hold: NUL (`\u0000`, in text and in
 * jsonb alike) and lone UTF-16 surrogates (no valid UTF-8 form). A tool name or argument
 * carrying either made a whole audit batch fail, and retrying it failed forever. Both are
 * replaced by U+FFFD so the event is stored, visibly altered, instead of lost.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be replaced
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const SUSPECT_ESCAPE = /\\u(0000|d[89a-f])/i;

export const storableText = (text: string): string => text.replace(UNSTORABLE, '\uFFFD');

/**
 * JSON.stringify with every string (object keys included) made storable. Used for the
 * whole batch: the replacer sees each object before its keys are written, so keys are
 * rewritten there; values are rewritten as they pass.
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes NUL and lone surrogates as \u escapes: without one (the norm) the
  // fast text is already storable; the replacer below costs about as much again.
  return SUSPECT_ESCAPE.test(json) ? rewrite(value) : json;
}

function rewrite(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return storableText(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      const keys = Object.keys(v);
      if (keys.some((k) => storableText(k) !== k)) {
        return Object.fromEntries(keys.map((k) => [storableText(k), (v as Record<string, unknown>)[k]]));
      }
    }
    return v;
  });
}

/**
 * Errors about the rows themselves (class 22 data exception, 23 integrity violation, 54
 * program limit such as an oversized index row): retrying the same rows cannot succeed,
 * unlike a lost connection, which must keep the batch for the next attempt.
 */
export const isRowError = (error: unknown): boolean => /^(22|23|54)/.test(sqlState(error) ?? '');

/** A database error for a log line: message and code, never the statement's parameters (the whole batch). */
export function compactError(error: unknown): { message: string; code?: string } {
  const cause = (error as { cause?: unknown })?.cause;
  const message = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return { message: message.slice(0, 300), code: sqlState(error) ?? (error as { code?: string })?.code };
}
