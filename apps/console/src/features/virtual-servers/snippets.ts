/** How each MCP client is told about a virtual server (URL `url`, saved as `name`). */
export interface Snippet {
  id: 'claude-code' | 'vscode' | 'cursor' | 'claude-desktop';
  client: string;
  /** Where it goes: a terminal, or a file path. */
  where: string;
  code: string;
  note: string;
}

/** A name clients accept for the server entry (Claude Code and the JSON files key by it). */
export const clientName = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-') || 'switchboard';

export function snippetsFor(serverName: string, url: string, authMode: 'oauth' | 'none' | 'api-key'): Snippet[] {
  const name = clientName(serverName);
  const auth =
    authMode === 'oauth'
      ? 'The client discovers OAuth and opens a browser to sign in on first use.'
      : authMode === 'api-key'
        ? 'Add an API token as "Authorization: Bearer <token>".'
        : 'This server is public: no sign-in.';
  const apiKeyHeader = authMode === 'api-key';
  const claudeCode = `claude mcp add --transport http ${name} ${url}${apiKeyHeader ? ' \\\n  --header "Authorization: Bearer $SWITCHBOARD_TOKEN"' : ''}`;
  const vscodeServer: Record<string, unknown> = { type: 'http', url };
  if (apiKeyHeader) vscodeServer.headers = { Authorization: 'Bearer ${input:switchboard-token}' };
  const vscode: Record<string, unknown> = { servers: { [name]: vscodeServer } };
  if (apiKeyHeader) vscode.inputs = [{ type: 'promptString', id: 'switchboard-token', description: 'Switchboard API token', password: true }];
  const cursorServer: Record<string, unknown> = { url };
  if (apiKeyHeader) cursorServer.headers = { Authorization: 'Bearer ${env:SWITCHBOARD_TOKEN}' };
  return [
    { id: 'claude-code', client: 'Claude Code', where: 'Terminal', code: claudeCode, note: auth },
    { id: 'vscode', client: 'VS Code', where: '.vscode/mcp.json', code: JSON.stringify(vscode, null, 2), note: auth },
    { id: 'cursor', client: 'Cursor', where: '~/.cursor/mcp.json', code: JSON.stringify({ mcpServers: { [name]: cursorServer } }, null, 2), note: auth },
    {
      id: 'claude-desktop',
      client: 'Claude Desktop',
      where: 'Settings → Connectors → Add custom connector',
      code: url,
      note: `Name it "${serverName}" and paste this URL. ${authMode === 'oauth' ? 'Claude signs in with OAuth when you connect.' : auth}`,
    },
  ];
}
