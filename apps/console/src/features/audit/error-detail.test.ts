import { describe, expect, it } from 'vitest';
import { errorDetail, formatDuration } from './error-detail.ts';

describe('audit error detail', () => {
  it('says in words what each stored code means', () => {
    expect(errorDetail({ outcome: 'ok', errorCode: null, result: null })).toBeNull();
    expect(errorDetail({ outcome: 'denied', errorCode: 'policy', result: null })).toBe('hidden from this person by an access rule');
    expect(errorDetail({ outcome: 'timeout', errorCode: 'timeout', result: null })).toBe('the upstream did not answer in time');
    expect(errorDetail({ outcome: 'upstream_failure', errorCode: 'rpc_-32602', result: null })).toBe('invalid arguments (JSON-RPC -32602)');
    expect(errorDetail({ outcome: 'upstream_failure', errorCode: 'rpc_-1', result: null })).toBe('the upstream answered an error (JSON-RPC -1)');
    expect(errorDetail({ outcome: 'upstream_failure', errorCode: 'some_new_reason', result: null })).toBe('some new reason');
  });

  it("shows a tool's own error text when the result was stored, shortened", () => {
    const result = { isError: true, content: [{ type: 'text', text: 'disk full' }, { type: 'image', data: 'x' }] };
    expect(errorDetail({ outcome: 'tool_error', errorCode: null, result })).toBe('disk full');
    expect(errorDetail({ outcome: 'tool_error', errorCode: null, result: null })).toBe('the tool answered with an error');
    const long = errorDetail({ outcome: 'tool_error', errorCode: null, result: { content: [{ type: 'text', text: 'x'.repeat(500) }] } });
    expect(long).toHaveLength(200);
  });

  it('formats durations for reading', () => {
    expect([formatDuration(7), formatDuration(1234), formatDuration(15_400), formatDuration(125_000)]).toEqual(['7 ms', '1.2 s', '15 s', '2 min 5 s']);
  });
});
