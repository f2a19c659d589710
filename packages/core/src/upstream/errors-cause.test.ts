import { freePort } from './test-upstreams.ts';
import { describe, expect, it } from 'vitest';
import { describeError, toUpstreamError, withCause } from './errors.ts';

const fetchError = (url: string) => fetch(url).then(
  () => {
    throw new Error('expected fetch to fail');
  },
  (error: unknown) => error,
);

describe('upstream errors carry their cause', () => {
  it('says ECONNREFUSED, not just "fetch failed", for a port nothing listens on', async () => {
    const error = await fetchError(`http://127.0.0.1:${await freePort()}/mcp`);
    expect((error as Error).message).toBe('fetch failed');
    expect(toUpstreamError(error, false).message).toMatch(/^fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(describeError(error)).toMatch(/ECONNREFUSED/);
  });

  it('names a DNS failure', async () => {
    const error = await fetchError('http://no-such-host.invalid/mcp');
    expect(withCause(error)).toMatch(/^fetch failed: .*(ENOTFOUND|EAI_AGAIN)/);
  });

  it('adds a code the message lacks, and leaves plain errors alone', () => {
    const tls = new TypeError('fetch failed', { cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) });
    expect(withCause(tls)).toBe('fetch failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    const bare = new TypeError('fetch failed', { cause: Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }) });
    expect(withCause(bare)).toBe('fetch failed: ECONNREFUSED');
    expect(withCause(new Error('Not connected'))).toBe('Not connected');
    expect(withCause('text')).toBe('text');
  });
});
