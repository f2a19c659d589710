import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, compilePattern, matchesPattern } from './pattern.ts';

/** The reference semantics: a glob where `*` is `.*` and everything else is literal. */
function referenceGlob(glob: string, value: string): boolean {
  const source = glob
    .split('*')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

function referenceMatch(pattern: string, upstream: string, name: string): boolean {
  if (!pattern.includes(':')) return /^\*+$/.test(pattern);
  const colon = pattern.indexOf(':');
  return referenceGlob(pattern.slice(0, colon), upstream) && referenceGlob(pattern.slice(colon + 1), name);
}

// A small alphabet so random globs and values actually collide; includes regex metacharacters.
const char = fc.constantFrom('a', 'b', '_', '-', '.', '/', '(', '+', ':');
const upstreamChar = fc.constantFrom('a', 'b', '_', '-');
const value = fc.string({ unit: char, maxLength: 8 });
const upstream = fc.string({ unit: upstreamChar, minLength: 1, maxLength: 4 });
const glob = (unit: fc.Arbitrary<string>) => fc.string({ unit: fc.oneof(unit, fc.constant('*')), maxLength: 6 });

describe('pattern matcher', () => {
  it('agrees with the reference glob semantics on each side', () => {
    fc.assert(
      fc.property(glob(char), value, (g, v) => {
        expect(compileGlob(g)(v)).toBe(referenceGlob(g, v));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the reference on whole `upstream:name` patterns', () => {
    fc.assert(
      fc.property(glob(upstreamChar), glob(char), upstream, value, (ug, ng, u, n) => {
        const pattern = `${ug}:${ng}`;
        expect(matchesPattern(pattern, u, n)).toBe(referenceMatch(pattern, u, n));
      }),
      { numRuns: 2000 },
    );
  });

  it('a pattern without wildcards matches exactly its own key', () => {
    fc.assert(
      fc.property(upstream, value, upstream, value, (u, n, u2, n2) => {
        const pattern = `${u}:${n.replaceAll('*', '')}`;
        const name = n.replaceAll('*', '');
        expect(matchesPattern(pattern, u, name)).toBe(true);
        expect(matchesPattern(pattern, u2, n2)).toBe(u2 === u && n2 === name);
      }),
    );
  });

  it('replacing any part of a key by `*` still matches that key (wildcards only widen)', () => {
    fc.assert(
      fc.property(upstream, value, fc.nat(), fc.nat(), (u, n, a, b) => {
        const [from, to] = [Math.min(a, b) % (n.length + 1), Math.max(a, b) % (n.length + 1)];
        const widened = `${n.slice(0, from)}*${n.slice(Math.max(from, to))}`;
        expect(matchesPattern(`${u}:${widened}`, u, n)).toBe(true);
        expect(matchesPattern(`*:${n}`, u, n)).toBe(true);
      }),
    );
  });

  it('`*` matches everything and `upstream:*` exactly that upstream', () => {
    fc.assert(
      fc.property(upstream, value, upstream, (u, n, other) => {
        expect(matchesPattern('*', u, n)).toBe(true);
        expect(matchesPattern(`${u}:*`, u, n)).toBe(true);
        expect(matchesPattern(`${u}:*`, other, n)).toBe(other === u);
      }),
    );
  });

  it('splits at the first colon, so resource URIs with colons can be named', () => {
    expect(matchesPattern('files:file:///etc/*', 'files', 'file:///etc/passwd')).toBe(true);
    expect(matchesPattern('files:file:///etc/*', 'files', 'file:///home/x')).toBe(false);
    expect(matchesPattern('*:read_*', 'docs', 'read_page')).toBe(true);
    expect(matchesPattern('*:read_*', 'docs', 'write_page')).toBe(false);
    expect(compilePattern('docs:*').exactUpstream).toBe('docs');
    expect(compilePattern('d*:x').exactUpstream).toBeNull();
  });

  it('is case-sensitive and treats regex metacharacters literally', () => {
    expect(matchesPattern('docs:Search', 'docs', 'search')).toBe(false);
    expect(matchesPattern('docs:a.b', 'docs', 'axb')).toBe(false);
    expect(matchesPattern('docs:a*(b', 'docs', 'a--(b')).toBe(true);
  });
});
