import { describe, expect, it } from 'vitest';
import { snippetsFor } from './snippets.ts';

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
});
