import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens for automation: `sb_` + 32 random bytes (base64url). Only the hash is stored.
 * The recognisable prefix lets secret scanners and humans spot a leaked token.
 */
const TOKEN_PREFIX = 'sb_';
const TOKEN_BYTES = 32;
const DISPLAY_PREFIX_LENGTH = 10;
const TOKEN_PATTERN = /^sb_[A-Za-z0-9_-]{43}$/;
const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})+$/;

export type GeneratedApiToken = {
  /** Shown to the user once, never stored. */
  token: string;
  /** Hex SHA-256 of the token: what the database keeps and looks up by. */
  hash: string;
  /** First characters, stored for display ("sb_Xy3k9…") so users can tell tokens apart. */
  prefix: string;
};

export function generateApiToken(): GeneratedApiToken {
  const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashApiToken(token), prefix: token.slice(0, DISPLAY_PREFIX_LENGTH) };
}

/**
 * A single fast SHA-256 is right here, unlike for passwords: a token carries 256 bits of
 * randomness, so there is nothing to brute-force, and a deterministic hash allows an indexed
 * lookup on every request without a per-row salt.
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Format check only (cheap rejection before any lookup); says nothing about validity. */
export function looksLikeApiToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/**
 * Compares two hex strings (e.g. token hashes) without leaking where they differ. Lengths are
 * not secret (hashes have a fixed size), so unequal lengths, empty and non-hex input return false early.
 */
export function constantTimeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length || !HEX_PATTERN.test(a) || !HEX_PATTERN.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
