/**
 * What of a call's arguments and result goes into the audit trail (only for virtual
 * servers that opt in): values under keys that look like secrets are replaced, and the
 * whole is capped so one large tool result cannot bloat the table.
 */

export const REDACTED = '[redacted]';
/** Serialised size above which a payload is replaced by a truncation marker. */
export const MAX_PAYLOAD_CHARS = 8 * 1024;
const MAX_DEPTH = 12;

/** Key names that usually hold credentials (`apiKey`, `x-auth-token`, `client_secret`, `Authorization`…). */
const SECRET_KEY = /pass(word|wd|phrase)?|secret|token|api[-_]?key|auth|credential|private[-_]?key|cookie|session|signature/i;

export const looksSecret = (key: string) => SECRET_KEY.test(key);

function redact(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = looksSecret(key) ? REDACTED : redact(v, depth + 1);
  return out;
}

/**
 * The stored form of a payload: redacted, and when its JSON exceeds the cap, a marker
 * with the original size and a prefix of the (already redacted) JSON.
 */
export function auditPayload(value: unknown, maxChars = MAX_PAYLOAD_CHARS): unknown {
  if (value === undefined) return null;
  const redacted = redact(value, 0);
  const json = JSON.stringify(redacted) ?? 'null';
  if (json.length <= maxChars) return redacted;
  return { truncated: true, originalChars: json.length, preview: json.slice(0, Math.max(0, maxChars - 100)) };
}
