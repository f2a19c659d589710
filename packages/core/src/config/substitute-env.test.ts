import { describe, expect, it } from 'vitest';
import { EnvSubstitutionError, substituteEnv } from './substitute-env.ts';

describe('substituteEnv', () => {
  const env = { TOKEN: 'abc', EMPTY: '' };

  it('replaces variables anywhere in nested strings, leaving other values alone', () => {
    const doc = { a: { headers: { Authorization: 'Bearer ${TOKEN}' } }, n: 3, list: ['x${TOKEN}y', true] };
    expect(substituteEnv(doc, env)).toEqual({
      a: { headers: { Authorization: 'Bearer abc' } },
      n: 3,
      list: ['xabcy', true],
    });
  });

  it('uses the default when the variable is unset or empty', () => {
    expect(substituteEnv('${MISSING:-fallback}', env)).toBe('fallback');
    expect(substituteEnv('${EMPTY:-fallback}', env)).toBe('fallback');
    expect(substituteEnv('${MISSING:-}', env)).toBe('');
  });

  it('keeps an escaped placeholder literal', () => {
    expect(substituteEnv('$${TOKEN}', env)).toBe('${TOKEN}');
  });

  it('names the path of a missing variable', () => {
    const run = () => substituteEnv({ mcpServers: { docs: { args: ['--key', '${NOPE}'] } } }, env);
    expect(run).toThrow(EnvSubstitutionError);
    expect(run).toThrow('mcpServers.docs.args.1: environment variable NOPE is not set');
  });

  it('does not substitute inside keys', () => {
    expect(substituteEnv({ '${TOKEN}': 1 }, env)).toEqual({ '${TOKEN}': 1 });
  });
});
