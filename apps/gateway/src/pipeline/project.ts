import { INTERNAL_ERROR, isInputRequiredResult, ProtocolError, type Server } from '@modelcontextprotocol/server';
import type { CallResult, Stage } from './call.ts';
import { downstreamResult } from './upstream-params.ts';

type Projection = (result: CallResult, outputSchema: Record<string, unknown> | undefined) => CallResult;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The 2025-era projection of a tool result: the SDK's, through the session's own Server
 * (its negotiated wire codec: a non-object `structuredContent` wrapped, text appended).
 */
export const legacyProjection = (server: Server): Projection => (result, outputSchema) =>
  server.projectCallToolResult(result as never, outputSchema) as CallResult;

/**
 * The 2026-07-28 projection of a tool result: structured content that is not an object
 * also travels as text when the result has none. This is what the SDK's 2026 codec does,
 * which it exposes only through a Server negotiated at 2026-07-28 (the SDK adapter's
 * per-request Server uses it; the lean path and the playground have no such Server).
 * The lean/SDK equivalence tests hold the two to the same bytes.
 */
export const modernProjection: Projection = (result) => {
  const structured = result.structuredContent;
  if (structured === undefined || isPlainObject(structured)) return result;
  const content = (result.content ?? []) as Array<{ type?: unknown }>;
  if (content.some((c) => c.type === 'text')) return result;
  return { ...result, content: [...content, { type: 'text', text: JSON.stringify(structured) }] };
};

/**
 * Project: the upstream's answer as the caller's era expects it, with the upstream hop's
 * `_meta` removed. An `input_required` result (a 2026-07-28 upstream asking for input) is
 * handed on to callers that can answer one and refused for the others.
 */
export function project(): Stage {
  return async (call, next) => {
    const result = await next(call);
    if (isInputRequiredResult(result)) {
      if (call.downstream.inputRequired === 'refuse') throw new ProtocolError(INTERNAL_ERROR, 'the upstream asked for input this client cannot give');
      return downstreamResult(result);
    }
    if (call.kind !== 'tool') return downstreamResult(result);
    const outputSchema = call.route?.tool?.outputSchema as Record<string, unknown> | undefined;
    return downstreamResult(call.downstream.project(result, outputSchema));
  };
}
