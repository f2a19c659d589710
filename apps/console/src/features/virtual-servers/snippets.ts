/** How each MCP client is told about a virtual server (URL `url`, saved as `name`). */
export interface Snippet {
  id: 'claude-code' | 'vscode' | 'cursor' | 'claude-desktop';
  client: string;
  /** Where it goes: a terminal, or a file path. */
  where: string;
  code: string;
  note: string;
  /** What would stop this client from connecting to this URL, said before anyone tries. */
  warnings: string[];
}

/** Whether a URL names this machine or a private network (unreachable from the internet). */
export function isPrivateHost(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const v4 = host.match(/^(\d+)\.(\d+)\.\d+\.\d+$/);
  if (!v4) return /^f[cd]/i.test(host) || /^fe80:/i.test(host);
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** Warnings every client shares: plain http beyond this machine. */
export function urlWarnings(url: string): string[] {
  const plainHttp = url.startsWith('http://');
  return plainHttp && !isPrivateHost(url)
    ? ['This URL is plain http: sign-ins and tokens would cross the network unencrypted. Serve the gateway over https (SWITCHBOARD_PUBLIC_URL).']
    : [];
}

/**
 * Claude Desktop's custom connectors are connected from Anthropic's servers, need https,
 * and cannot send custom headers (OAuth or nothing).
 */
function desktopWarnings(url: string, authMode: 'oauth' | 'none' | 'api-key'): string[] {
  const warnings: string[] = [];
  if (isPrivateHost(url)) {
    warnings.push(
      'Claude Desktop connects to custom connectors from Anthropic\'s servers, which cannot reach this address (this machine or a private network). Set SWITCHBOARD_PUBLIC_URL to a public https URL.',
    );
  } else if (url.startsWith('http://')) warnings.push('Claude Desktop custom connectors need an https URL.');
  if (authMode === 'api-key') {
    warnings.push('Claude Desktop custom connectors cannot send an Authorization header: switch this server to OAuth for Claude Desktop, or use Claude Code.');
  }
  return warnings;
}

/** A name clients accept for the server entry (Claude Code and the JSON files key by it). */
export const clientName = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '-') || 'switchboard';

export function snippetsFor(serverName: string, url: string, authMode: 'oauth' | 'none' | 'api-key'): Snippet[] {
  const name = clientName(serverName);
  const auth =
    authMode === 'oauth'
      ? 'The client discovers OAuth and opens a browser to sign in on first use.'
      : authMode === 'api-key'
        ? 'Send your personal MCP key (mint one under My keys) as "Authorization: Bearer <key>": the server acts as you.'
        : 'This server is public: no sign-in.';
  const apiKeyHeader = authMode === 'api-key';
  const claudeCode = `claude mcp add --transport http ${name} ${url}${apiKeyHeader ? ' \\\n  --header "Authorization: Bearer $SWITCHBOARD_TOKEN"' : ''}`;
  const vscodeServer: Record<string, unknown> = { type: 'http', url };
  if (apiKeyHeader) vscodeServer.headers = { Authorization: 'Bearer ${input:switchboard-token}' };
  const vscode: Record<string, unknown> = { servers: { [name]: vscodeServer } };
  if (apiKeyHeader) vscode.inputs = [{ type: 'promptString', id: 'switchboard-token', description: 'Your Switchboard MCP key', password: true }];
  const cursorServer: Record<string, unknown> = { url };
  if (apiKeyHeader) cursorServer.headers = { Authorization: 'Bearer ${env:SWITCHBOARD_TOKEN}' };
  const warnings = urlWarnings(url);
  const desktopNote =
    authMode === 'oauth' ? 'Claude signs in with OAuth when you connect.' : authMode === 'none' ? 'This server is public: no sign-in.' : '';
  return [
    { id: 'claude-code', client: 'Claude Code', where: 'Terminal', code: claudeCode, note: auth, warnings },
    { id: 'vscode', client: 'VS Code', where: '.vscode/mcp.json', code: JSON.stringify(vscode, null, 2), note: auth, warnings },
    {
      id: 'cursor',
      client: 'Cursor',
      where: '~/.cursor/mcp.json',
      code: JSON.stringify({ mcpServers: { [name]: cursorServer } }, null, 2),
      note: auth,
      warnings,
    },
    {
      id: 'claude-desktop',
      client: 'Claude Desktop',
      where: 'Settings → Connectors → Add custom connector',
      code: url,
      note: `Name it "${serverName}" and paste this URL. ${desktopNote}`.trim(),
      warnings: [...warnings, ...desktopWarnings(url, authMode)],
    },
  ];
}
