import { type Attributes, type Context, context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { HeaderReader } from '../mcp/admission.ts';
import { ATTR, targetAttributes } from './attributes.ts';
import { callerContext } from './propagation.ts';

type Endpoint = 'mcp' | 'sse' | 'messages';

const PROTOCOL_VERSION_META = 'io.modelcontextprotocol/protocolVersion';

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * The server span of one MCP HTTP request, made by the entry (mcp/entry.ts) only when
 * tracing is on. It starts when the request arrived, but is opened once the body is parsed
 * (the JSON-RPC method, the target and the caller's trace context are in it); the rest of
 * the request is handed its context, so the pipeline's spans (pipeline/traced-stages.ts)
 * are its children. Ended when the answer has been written.
 */
export class McpRequestSpan {
  private span?: Span;
  private readonly startTime = Date.now();

  constructor(
    private readonly tracer: Tracer,
    private readonly serverId: string,
    private readonly endpoint: Endpoint,
    private readonly httpMethod: string,
  ) {}

  /**
   * Opens the span once the body is parsed; what follows gets the returned context (the
   * parent of the calls' spans) explicitly: McpPost.trace.
   */
  start(header: HeaderReader, parsed: unknown): Context {
    return trace.setSpan(ROOT_CONTEXT, this.open(header, parsed));
  }

  /** Runs `fn` (the request's log line) in the span's context, so the line carries its trace and span ids. */
  within(fn: () => void): void {
    if (this.span) context.with(trace.setSpan(context.active(), this.span), fn);
    else fn();
  }

  /** After the answer: its HTTP status, and the failure if the entry caught one. */
  end(header: HeaderReader, statusCode: number, failure?: unknown): void {
    const span = this.span ?? this.open(header, undefined);
    span.setAttribute(ATTR.httpStatus, statusCode);
    if (failure !== undefined || statusCode >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR.errorType, failure instanceof Error ? failure.name : String(statusCode));
    }
    span.end();
  }

  private open(header: HeaderReader, parsed: unknown): Span {
    const message = record(parsed);
    const method = typeof message?.method === 'string' ? message.method : undefined;
    const params = record(message?.params);
    const meta = record(params?._meta);
    const attributes: Attributes = {
      [ATTR.virtualServer]: this.serverId,
      [ATTR.networkTransport]: 'tcp',
      [ATTR.networkProtocol]: 'http',
      [ATTR.httpMethod]: this.httpMethod,
    };
    let name = `${this.httpMethod} /servers/{id}/${this.endpoint}`;
    if (method) {
      const target = targetAttributes(method, method === 'resources/read' ? params?.uri : params?.name);
      Object.assign(attributes, target.attributes);
      attributes[ATTR.mcpMethod] = method;
      attributes[ATTR.jsonrpcVersion] = '2.0';
      if (typeof message?.id === 'string' || typeof message?.id === 'number') attributes[ATTR.jsonrpcRequestId] = String(message.id);
      name = target.target ? `${method} ${target.target}` : method;
    }
    // The session id binds requests to the principal that opened the session and is never
    // accepted as authentication (mcp/admission.ts), so recording it reveals no credential.
    const session = header('mcp-session-id');
    if (session) attributes[ATTR.mcpSession] = session;
    const version = header('mcp-protocol-version') ?? (typeof meta?.[PROTOCOL_VERSION_META] === 'string' ? (meta[PROTOCOL_VERSION_META] as string) : undefined);
    if (version) attributes[ATTR.mcpProtocolVersion] = version;
    this.span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, startTime: this.startTime }, callerContext(header, meta));
    return this.span;
  }
}
