import type { Context } from '@opentelemetry/api';
import type { HeaderReader } from './admission.ts';

/**
 * One request to `/servers/{id}/mcp` as the entry (entry.ts) read it: its headers, and
 * for a POST its body, read once under the size limit and parsed once.
 */
export interface McpPost {
  method: string;
  header: HeaderReader;
  /** The body as text (absent for GET and DELETE). */
  text?: string;
  /** The body parsed as JSON; undefined when it is not JSON (the SDK answers that). */
  parsed?: unknown;
  /** A JSON body from a client that takes both answer forms: the only kind the lean path serves. */
  plain: boolean;
  /** The headers every answer carries, as writeHead takes them (http/response-headers.ts). */
  answerHeaders: string[];
  /** The client's address (through trusted proxies only): what an anonymous caller's session share is counted by. */
  clientAddress: string;
  /** With tracing on: the context of the request's span, the parent of its calls' spans. */
  trace?: Context;
}
