import { describe, expect, it } from 'vitest';
import { LineFramer, type OversizedLine } from './line-framer.ts';

function framer(max: number) {
  const lines: string[] = [];
  const oversized: OversizedLine[] = [];
  const f = new LineFramer(max, (line) => lines.push(line), (line) => oversized.push(line));
  return { lines, oversized, instance: f, push: (text: string) => f.push(Buffer.from(text)) };
}

describe('LineFramer', () => {
  it('splits lines across and within chunks, drops \\r and empty lines', () => {
    const f = framer(1024);
    f.push('{"a":1}\n{"b"');
    f.push(':2}\r\n\n{"c":3}');
    expect(f.lines).toEqual(['{"a":1}', '{"b":2}']);
    f.push('\n');
    expect(f.lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps multi-byte characters split between chunks intact', () => {
    const f = framer(1024);
    const bytes = Buffer.from('{"t":"é€😀"}\n');
    const l = new LineFramer(1024, (line) => f.lines.push(line), () => {});
    for (const byte of bytes) l.push(Buffer.from([byte]));
    expect(f.lines).toEqual(['{"t":"é€😀"}']);
  });

  it('a line at the cap passes; one byte more is skipped whole and the next line still arrives', () => {
    const atCap = `{"id":1,"result":"${'x'.repeat(100 - 20)}"}`;
    const f = framer(atCap.length);
    f.push(`${atCap}\n`);
    expect(f.lines).toEqual([atCap]);
    const over = `{"id":2,"result":"${'x'.repeat(100 - 19)}"}`;
    // streamed in small chunks, as a pipe delivers it
    for (let i = 0; i < over.length; i += 7) f.push(over.slice(i, i + 7));
    f.push('\n{"id":3,"result":{}}\n');
    expect(f.oversized).toEqual([{ bytes: over.length, id: 2, hasMethod: false }]);
    expect(f.lines).toEqual([atCap, '{"id":3,"result":{}}']);
  });

  it('finds the top-level id at the start or at the end of an oversized answer, never a nested one', () => {
    const big = 'y'.repeat(50_000);
    const f = framer(1000);
    f.push(`{"jsonrpc":"2.0","id":"sb-7","result":{"content":[{"type":"text","text":"${big}"}]}}\n`);
    f.push(`{"result":{"id":"nested","text":"${big}"},"jsonrpc":"2.0","id":42}\n`);
    f.push(`{"result":{"text":"${big}","id":"nested"}}\n`);
    f.push(`{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${big}"}}\n`);
    expect(f.oversized).toEqual([
      { bytes: expect.any(Number), id: 'sb-7', hasMethod: false },
      { bytes: expect.any(Number), id: 42, hasMethod: false },
      { bytes: expect.any(Number), id: undefined, hasMethod: false },
      { bytes: expect.any(Number), id: undefined, hasMethod: true },
    ]);
    expect(f.lines).toEqual([]);
  });

  it('holds no more than the cap while skipping a flood without a newline', () => {
    const f = framer(1000);
    const chunk = 'z'.repeat(64 * 1024);
    const held = () => {
      const { size, skipping } = f.instance as unknown as { size: number; skipping?: { head: Buffer; tail: Buffer } };
      return size + (skipping ? skipping.head.length + skipping.tail.length : 0);
    };
    let most = 0;
    for (let i = 0; i < 200; i += 1) {
      f.push(chunk); // 12.5 MiB in all, never a newline
      most = Math.max(most, held());
    }
    expect(most).toBeLessThanOrEqual(2 * 4096);
    f.push('\n');
    expect(f.oversized).toEqual([{ bytes: 200 * chunk.length, id: undefined, hasMethod: false }]);
  });
});
