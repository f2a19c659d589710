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
    const clientUri = call.route?.clientUri;
    const answer = clientUri ? withClientUris(result, clientUri) : result;
    if (call.kind !== 'tool') return downstreamResult(answer);
    const outputSchema = call.route?.tool?.outputSchema as Record<string, unknown> | undefined;
    return downstreamResult(call.downstream.project(answer, outputSchema));
  };
}

/**
 * The URIs in an answer of a server that namespaces them, as its clients know them: a
 * read's `contents`, a tool result's or prompt message's resource links and embedded
 * resources — so that a client can read what it was handed, through the gateway.
 */
function withClientUris(result: CallResult, clientUri: (uri: string) => string): CallResult {
  const block = (item: unknown): unknown => {
    if (!isPlainObject(item)) return item;
    if (item.type === 'resource_link' && typeof item.uri === 'string') return { ...item, uri: clientUri(item.uri) };
    if (item.type === 'resource' && isPlainObject(item.resource) && typeof item.resource.uri === 'string') {
      return { ...item, resource: { ...item.resource, uri: clientUri(item.resource.uri) } };
    }
    return item;
  };
  const out: CallResult = { ...result };
  if (Array.isArray(result.contents)) {
    out.contents = result.contents.map((c) => (isPlainObject(c) && typeof c.uri === 'string' ? { ...c, uri: clientUri(c.uri) } : c));
  }
  if (Array.isArray(result.content)) out.content = result.content.map(block);
  if (Array.isArray(result.messages)) out.messages = result.messages.map((m) => (isPlainObject(m) ? { ...m, content: block(m.content) } : m));
  return out;
}
