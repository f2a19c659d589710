import { describe, expect, it } from 'vitest';
import { SseReader } from './sse-reader.ts';

const read = (chunks: string[]) => {
  const reader = new SseReader();
  const out: string[] = [];
  for (const chunk of chunks) reader.push(chunk, (data) => out.push(data));
  return { out, reader };
};

describe('SseReader', () => {
  it('yields message data across arbitrary chunk splits and CRLF line ends', () => {
    const stream = 'event: message\r\ndata: {"a":1}\r\n\r\ndata: {"b":\ndata: 2}\n\n';
    const whole = read([stream]).out;
    expect(whole).toEqual(['{"a":1}', '{"b":\n2}']);
    expect(read(stream.split('')).out).toEqual(whole);
  });

  it('skips priming events, comments and other event types, but remembers id and retry', () => {
    const { out, reader } = read(['id: 7\nretry: 1500\ndata:\n\n', ': keep-alive\n\n', 'event: ping\ndata: x\n\n', 'id: 8\ndata: y\n\n']);
    expect(out).toEqual(['y']);
    expect(reader.lastEventId).toBe('8');
    expect(reader.retryMs).toBe(1500);
  });

  it('holds back an event until its blank line arrives', () => {
    const reader = new SseReader();
    const out: string[] = [];
    reader.push('data: half', (d) => out.push(d));
    reader.push('\n', (d) => out.push(d));
    expect(out).toEqual([]);
    reader.push('\n', (d) => out.push(d));
    expect(out).toEqual(['half']);
  });
});
