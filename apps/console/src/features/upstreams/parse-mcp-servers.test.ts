import { describe, expect, it } from 'vitest';
import { parseMcpServersJson } from './parse-mcp-servers.ts';

const ok = (text: string) => {
  const parsed = parseMcpServersJson(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};

describe('parseMcpServersJson', () => {
  it("reads Claude's mcpServers, with stdio and remote servers", () => {
    const parsed = ok(JSON.stringify({ mcpServers: { a: { command: 'npx', args: ['-y', 'x'] }, b: { type: 'sse', url: 'http://h/sse' } } }));
    expect(parsed.servers).toEqual([
      { name: 'a', transport: 'stdio', target: 'npx -y x' },
      { name: 'b', transport: 'sse', target: 'http://h/sse' },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it("reads VS Code's servers and a bare map", () => {
    expect(ok('{"servers":{"docs":{"type":"http","url":"https://d/mcp"}}}').document).toEqual({ mcpServers: { docs: { type: 'http', url: 'https://d/mcp' } } });
    expect(ok('{"mem":{"command":"node","args":["m.js"]}}').servers[0]?.name).toBe('mem');
  });

  it('names contract problems by path, and notes ${VAR} placeholders', () => {
    const parsed = ok('{"mcpServers":{"bad name":{"command":"x"},"r":{"type":"http","url":"${URL}"}}}');
    expect(parsed.problems.join('\n')).toMatch(/mcpServers/);
    expect(parsed.hasPlaceholders).toBe(true);
  });

  it('explains what it could not read', () => {
    expect(parseMcpServersJson('{nope')).toHaveProperty('error', expect.stringMatching(/^Not valid JSON/));
    expect(parseMcpServersJson('[1]')).toHaveProperty('error');
    expect(parseMcpServersJson('{"x": 1}')).toHaveProperty('error', expect.stringMatching(/Found no servers/));
  });
});
