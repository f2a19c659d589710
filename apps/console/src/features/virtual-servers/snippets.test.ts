import { describe, expect, it } from 'vitest';
import { isPrivateHost, snippetsFor } from './snippets.ts';

const URL_ = 'https://gw.example.com/servers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40/mcp';

describe('connect snippets', () => {
  it('gives each client its own format for an OAuth server', () => {
    const [claude, vscode, cursor, desktop] = snippetsFor('dev', URL_, 'oauth');
    expect(claude!.code).toBe(`claude mcp add --transport http dev ${URL_}`);
    expect(JSON.parse(vscode!.code)).toEqual({ servers: { dev: { type: 'http', url: URL_ } } });
    expect(JSON.parse(cursor!.code)).toEqual({ mcpServers: { dev: { url: URL_ } } });
    expect(desktop!.code).toBe(URL_);
  });

  it('adds the bearer header for an api-key server, with the token kept out of the file', () => {
    const [claude, vscode] = snippetsFor('dev', URL_, 'api-key');
    expect(claude!.code).toContain('--header "Authorization: Bearer $SWITCHBOARD_TOKEN"');
    const config = JSON.parse(vscode!.code);
    expect(config.servers.dev.headers.Authorization).toBe('Bearer ${input:switchboard-token}');
    expect(config.inputs[0]).toMatchObject({ id: 'switchboard-token', password: true });
  });

  it('tells Claude Desktop what its custom connectors cannot do: reach localhost, use http, send a header', () => {
    const local = snippetsFor('dev', 'http://localhost:4444/servers/x/mcp', 'api-key');
    const desktop = local.find((s) => s.id === 'claude-desktop')!;
    expect(desktop.note).not.toContain('Bearer');
    expect(desktop.warnings).toEqual([
      expect.stringContaining('cannot reach this address'),
      expect.stringContaining('cannot send an Authorization header'),
    ]);
    // Local clients on this machine reach localhost fine: no warning for them.
    expect(local.find((s) => s.id === 'claude-code')!.warnings).toEqual([]);
    const publicHttp = snippetsFor('dev', 'http://gw.example.com/servers/x/mcp', 'oauth');
    expect(publicHttp.find((s) => s.id === 'vscode')!.warnings).toEqual([expect.stringContaining('plain http')]);
    expect(publicHttp.find((s) => s.id === 'claude-desktop')!.warnings).toContain('Claude Desktop custom connectors need an https URL.');
    expect(snippetsFor('dev', URL_, 'oauth').every((s) => s.warnings.length === 0)).toBe(true);
  });

  it('knows loopback and private addresses', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]', '10.1.2.3', '172.20.0.1', '192.168.1.5', 'box.local']) {
      expect(isPrivateHost(`http://${host}:4444/mcp`)).toBe(true);
    }
    for (const host of ['gw.example.com', '8.8.8.8', '172.32.0.1']) expect(isPrivateHost(`https://${host}/mcp`)).toBe(false);
  });
});
