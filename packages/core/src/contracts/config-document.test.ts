import { describe, expect, it } from 'vitest';
import { configDocumentSchema } from './config-document.ts';

const issuesOf = (doc: unknown) => {
  const parsed = configDocumentSchema.safeParse(doc);
  return parsed.success ? [] : parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]);
};

describe('mcpServers entries: protocol', () => {
  it('takes auto and legacy on every transport, and is absent (auto on import) when not given', () => {
    const doc = configDocumentSchema.parse({
      mcpServers: {
        local: { command: 'node', args: ['server.js'], protocol: 'legacy' },
        remote: { type: 'http', url: 'https://docs.example.com/mcp', protocol: 'auto' },
        old: { type: 'sse', url: 'http://127.0.0.1:9000/sse', protocol: 'legacy' },
        plain: { command: 'node' },
      },
    });
    expect(doc.mcpServers.local).toMatchObject({ command: 'node', args: ['server.js'], protocol: 'legacy' });
    expect(doc.mcpServers.remote).toMatchObject({ type: 'http', url: 'https://docs.example.com/mcp', protocol: 'auto' });
    expect(doc.mcpServers.old).toMatchObject({ type: 'sse', protocol: 'legacy' });
    expect(doc.mcpServers.plain).toEqual({ command: 'node', args: [], env: {} });
  });

  it('rejects any other value at its own path, naming the values it takes', () => {
    const expected = [['mcpServers.x.protocol', 'Invalid option: expected one of "auto"|"legacy"']];
    expect(issuesOf({ mcpServers: { x: { command: 'node', protocol: 'modern' } } })).toEqual(expected);
    expect(issuesOf({ mcpServers: { x: { type: 'http', url: 'https://a.example/mcp', protocol: '2026-07-28' } } })).toEqual(expected);
  });

  it('still reports the other Switchboard extras and transport fields where they are', () => {
    expect(issuesOf({ mcpServers: { x: { command: 'node', timeoutMs: 5 } } })).toEqual([
      ['mcpServers.x.timeoutMs', 'Too small: expected number to be >=100'],
    ]);
    // no transport matches: the union's own message, at the entry
    expect(issuesOf({ mcpServers: { x: { type: 'http', protocol: 'legacy' } } })).toEqual([['mcpServers.x', 'Invalid input']]);
  });
});
