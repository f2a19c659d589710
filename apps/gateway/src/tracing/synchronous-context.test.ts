import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynchronousContextManager } from './synchronous-context.ts';

const KEY = createContextKey('test');

describe('the synchronous context manager', () => {
  beforeAll(() => context.setGlobalContextManager(new SynchronousContextManager()));
  afterAll(() => context.disable());

  it('makes a context active for the synchronous run of `with`, nested, and restores the outer one', () => {
    const outer = ROOT_CONTEXT.setValue(KEY, 'outer');
    const inner = ROOT_CONTEXT.setValue(KEY, 'inner');
    const seen: unknown[] = [];
    context.with(outer, () => {
      seen.push(context.active().getValue(KEY));
      context.with(inner, () => seen.push(context.active().getValue(KEY)));
      seen.push(context.active().getValue(KEY));
    });
    seen.push(context.active().getValue(KEY));
    expect(seen).toEqual(['outer', 'inner', 'outer', undefined]);
  });

  it('restores the outer context when `with` throws, and keeps nothing past an await', async () => {
    expect(() =>
      context.with(ROOT_CONTEXT.setValue(KEY, 'x'), () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(context.active()).toBe(ROOT_CONTEXT);
    const afterAwait = await context.with(ROOT_CONTEXT.setValue(KEY, 'y'), async () => {
      await null;
      return context.active().getValue(KEY);
    });
    // what crosses an await is passed explicitly (McpCall.trace), never found in the active context
    expect(afterAwait).toBeUndefined();
  });

  it('binds a function to a context', () => {
    const bound = context.bind(ROOT_CONTEXT.setValue(KEY, 'bound'), (suffix: string) => `${String(context.active().getValue(KEY))}${suffix}`);
    expect(bound('!')).toBe('bound!');
    expect(context.active()).toBe(ROOT_CONTEXT);
  });
});
