/**
 * Span attribute names: the OpenTelemetry semantic conventions for MCP and GenAI tool
 * calls (status: development) where they exist, `switchboard.*` for what they do not cover.
 * Never arguments, results or credentials.
 */
export const ATTR = {
  mcpMethod: 'mcp.method.name',
  mcpSession: 'mcp.session.id',
  mcpProtocolVersion: 'mcp.protocol.version',
  mcpResourceUri: 'mcp.resource.uri',
  jsonrpcRequestId: 'jsonrpc.request.id',
  jsonrpcVersion: 'jsonrpc.protocol.version',
  rpcStatusCode: 'rpc.response.status_code',
  genAiOperation: 'gen_ai.operation.name',
  genAiTool: 'gen_ai.tool.name',
  genAiPrompt: 'gen_ai.prompt.name',
  networkTransport: 'network.transport',
  networkProtocol: 'network.protocol.name',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  errorType: 'error.type',
  virtualServer: 'switchboard.virtual_server',
  upstream: 'switchboard.upstream',
  outcome: 'switchboard.outcome',
  era: 'switchboard.protocol_era',
} as const;

/** The MCP method of each kind of call the pipeline forwards. */
export const CALL_METHODS = { tool: 'tools/call', prompt: 'prompts/get', resource: 'resources/read' } as const;

/**
 * The attributes naming what a request targets, and the span name's target: the tool or
 * prompt name (low cardinality), never a resource URI (the conventions keep URIs out of names).
 */
export function targetAttributes(method: string, name: unknown): { attributes: Record<string, string>; target?: string } {
  if (typeof name !== 'string') return { attributes: {} };
  if (method === 'tools/call') return { attributes: { [ATTR.genAiTool]: name, [ATTR.genAiOperation]: 'execute_tool' }, target: name };
  if (method === 'prompts/get') return { attributes: { [ATTR.genAiPrompt]: name }, target: name };
  if (method === 'resources/read' || method.startsWith('resources/')) return { attributes: { [ATTR.mcpResourceUri]: name } };
  return { attributes: {} };
}
