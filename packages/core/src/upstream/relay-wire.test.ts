import { describe, expect, it } from 'vitest';
import { decodeResult, type RelaySession } from './relay-wire.ts';

const modern: RelaySession = { era: 'modern', protocolVersion: '2026-07-28', envelope: {} };
const elicit = { method: 'elicitation/create', params: { message: 'Name?', requestedSchema: { type: 'object', properties: {} } } };

describe('decodeResult of a 2026-07-28 input_required answer', () => {
  it('hands an elicitation or sampling request over to the caller that relays it', () => {
    const raw = { resultType: 'input_required', inputRequests: { name: elicit }, requestState: 's1' };
    expect(decodeResult(modern, 'tools/call', raw, true)).toEqual(raw);
  });

  it('refuses one that asks for roots, which the gateway never offers upstream', () => {
    const raw = { resultType: 'input_required', inputRequests: { name: elicit, where: { method: 'roots/list' } } };
    expect(() => decodeResult(modern, 'tools/call', raw, true)).toThrow(/asks for roots/);
  });

  it('is an error where the caller does not relay input_required', () => {
    expect(() => decodeResult(modern, 'tools/call', { resultType: 'input_required', inputRequests: { name: elicit } }, false)).toThrow(
      /unsupported result type 'input_required'/,
    );
  });
});
