import { describe, expect, it } from 'vitest';
import { upstreamCreateSchema, upstreamSchema, upstreamUpdateSchema } from './upstreams.ts';

const stdio = { name: 'fx', transport: 'stdio', command: 'node' } as const;
const remote = { name: 'docs', transport: 'streamable-http', url: 'https://docs.example.com/mcp' } as const;

describe('upstream contracts: protocol', () => {
  it('create: defaults to auto, takes legacy on every transport', () => {
    expect(upstreamCreateSchema.parse(stdio).protocol).toBe('auto');
    expect(upstreamCreateSchema.parse({ ...stdio, protocol: 'legacy' }).protocol).toBe('legacy');
    expect(upstreamCreateSchema.parse({ ...remote, protocol: 'legacy' }).protocol).toBe('legacy');
  });

  it('create and update: reject other values at the protocol path', () => {
    const create = upstreamCreateSchema.safeParse({ ...remote, protocol: 'modern' });
    expect(create.success).toBe(false);
    expect(create.error?.issues.map((i) => i.path.join('.'))).toEqual(['protocol']);
    const update = upstreamUpdateSchema.safeParse({ protocol: 'sessions' });
    expect(update.error?.issues.map((i) => i.path.join('.'))).toEqual(['protocol']);
  });

  it('update: a patch may set it alone, and leaves it out when not given (no default)', () => {
    expect(upstreamUpdateSchema.parse({ protocol: 'legacy' })).toEqual({ protocol: 'legacy' });
    expect(upstreamUpdateSchema.parse({ timeoutMs: 1000 })).toEqual({ timeoutMs: 1000 });
  });

  it('read: the stored value is part of an upstream', () => {
    const shape = upstreamSchema.shape;
    expect(shape.protocol.safeParse('legacy').success).toBe(true);
    expect(shape.protocol.safeParse(undefined).success).toBe(false);
  });
});

describe('upstream contracts: maxMessageBytes', () => {
  const stdio = { name: 'local', transport: 'stdio', command: 'node' };
  it('is optional on create and nullable on update (null = the 10 MiB default)', () => {
    expect(upstreamCreateSchema.parse(stdio)).not.toHaveProperty('maxMessageBytes');
    expect(upstreamCreateSchema.parse({ ...stdio, maxMessageBytes: 20 * 1024 * 1024 })).toMatchObject({ maxMessageBytes: 20 * 1024 * 1024 });
    expect(upstreamUpdateSchema.parse({ maxMessageBytes: null })).toEqual({ maxMessageBytes: null });
  });
  it('rejects sizes below 64 KiB, above 1 GiB or fractional, at its own path', () => {
    for (const bad of [1024, 2 ** 31, 100_000.5]) {
      const create = upstreamCreateSchema.safeParse({ ...stdio, maxMessageBytes: bad });
      expect(create.error?.issues.map((i) => i.path.join('.'))).toEqual(['maxMessageBytes']);
    }
  });
});
