import { configDocumentSchema, type ConfigDocumentInput } from '@switchboard/core/contracts/config-document';
import { validate } from '../../lib/form-errors.ts';

export interface ParsedServers {
  /** The document to POST to /import. */
  document: ConfigDocumentInput;
  /** Server names and how each connects, for the preview. */
  servers: Array<{ name: string; transport: string; target: string }>;
  /** Problems the contract finds; with `${VAR}` placeholders these may resolve on the gateway. */
  problems: string[];
  hasPlaceholders: boolean;
}

const DOCUMENT_KEYS = ['mcpServers', 'virtualServers', 'users', 'roles', 'policies'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads what people paste: a Switchboard document, Claude's / Cursor's `{ "mcpServers": … }`,
 * VS Code's `{ "servers": … }`, or just the map of servers itself.
 */
export function parseMcpServersJson(text: string): ParsedServers | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!isObject(raw)) return { error: 'Expected a JSON object such as { "mcpServers": { … } }.' };
  let document: Record<string, unknown>;
  if (Object.keys(raw).some((k) => DOCUMENT_KEYS.includes(k))) document = raw;
  else if (isObject(raw.servers)) document = { mcpServers: raw.servers };
  else if (Object.values(raw).every((v) => isObject(v) && ('command' in v || 'url' in v))) document = { mcpServers: raw };
  else return { error: 'Found no servers: expected "mcpServers" (Claude, Cursor), "servers" (VS Code) or a map of servers.' };
  const mcpServers = isObject(document.mcpServers) ? document.mcpServers : {};
  const servers = Object.entries(mcpServers).map(([name, value]) => {
    const v = isObject(value) ? value : {};
    const transport = typeof v.url === 'string' ? (v.type === 'sse' ? 'sse' : 'streamable-http') : 'stdio';
    const target = typeof v.url === 'string' ? v.url : [v.command, ...(Array.isArray(v.args) ? v.args : [])].join(' ');
    return { name, transport, target };
  });
  if (servers.length === 0 && !Object.keys(document).some((k) => k !== 'mcpServers')) return { error: 'The document names no servers.' };
  const checked = validate(configDocumentSchema, document);
  const problems = checked.ok ? [] : Object.entries(checked.errors).map(([path, message]) => `${path}: ${message}`);
  return { document: document as ConfigDocumentInput, servers, problems, hasPlaceholders: text.includes('${') };
}
