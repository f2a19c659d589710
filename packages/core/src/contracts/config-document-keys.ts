import { z } from 'zod';

/** `defaultAccess`, `default_access`, `Default-Access` compare equal: only letters and digits count. */
const normalize = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The valid key a typo most likely meant: a small edit away (`defaultAcess`), the same
 * words spelled differently (`default_access`), or a longer spelling of it (`enviroment`
 * for `env`). Undefined when nothing is close enough to be a useful guess.
 */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  const k = normalize(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of valid) {
    const c = normalize(candidate);
    const distance = editDistance(k, c);
    const close = distance <= Math.max(1, Math.floor(Math.max(k.length, c.length) / 3));
    const prefix = c.length >= 3 && k.length >= 3 && (k.startsWith(c) || c.startsWith(k));
    if ((close || prefix) && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** `"defaultAcess" (did you mean "defaultAccess"?)` — or the list of valid keys when no guess fits. */
export function describeUnknownKeys(keys: readonly string[], valid: readonly string[]): string {
  const described = keys.map((key) => {
    const near = nearestKey(key, valid);
    return near ? `"${key}" (did you mean "${near}"?)` : `"${key}" (expected one of ${valid.join(', ')})`;
  });
  return `unknown key${keys.length === 1 ? '' : 's'} ${described.join(', ')}`;
}

/**
 * An object of our own sections: an unknown key is rejected (a typo must not pass as if
 * it applied), with the nearest valid key in the message.
 */
export function strictSection<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? describeUnknownKeys(issue.keys, Object.keys(shape)) : undefined),
  });
}
