/**
 * Newline-delimited framing of a stdio upstream's stdout, with a cap per message.
 *
 * Why our own and not the SDK's: the SDK's reader (ReadBuffer, behind StdioClientTransport)
 * caps the whole buffer and, when one message exceeds it, throws, and the transport closes
 * the connection: one oversized result failed every call in flight on a shared upstream
 * (issue 20, #5). Its public surface offers no per-message limit, nor a way to see frames
 * before they are parsed and validated. Here a line over the cap is skipped as it streams
 * by (never buffered whole) and reported with its JSON-RPC id when the id can be told from
 * the line's edges, so only the call it answers fails.
 */

const NEWLINE = 0x0a;
/** How much of an oversized line's start and end is kept to find its id. */
const EDGE_BYTES = 4096;

/** A line over the cap that was skipped. */
export interface OversizedLine {
  bytes: number;
  /** The message's top-level JSON-RPC id, when the line's edges show it. */
  id?: string | number;
  /** Whether the message is a request or notification (it has a `method`) rather than an answer. */
  hasMethod: boolean;
}

export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping?: { bytes: number; head: Buffer; tail: Buffer };

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOversized: (line: OversizedLine) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.add(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  }

  private add(piece: Buffer): void {
    if (piece.length === 0) return;
    const skipping = this.skipping;
    if (skipping) {
      skipping.bytes += piece.length;
      skipping.tail = lastBytes(Buffer.concat([skipping.tail, lastBytes(piece, EDGE_BYTES)]), EDGE_BYTES);
      return;
    }
    if (this.size + piece.length <= this.maxLineBytes) {
      this.parts.push(piece);
      this.size += piece.length;
      return;
    }
    // over the cap: keep the edges only, drop the rest as it comes
    const all = [...this.parts, piece];
    this.skipping = {
      bytes: this.size + piece.length,
      head: Buffer.concat(all, Math.min(EDGE_BYTES, this.size + piece.length)),
      tail: lastBytes(Buffer.concat(all.slice(-2)), EDGE_BYTES),
    };
    this.parts = [];
    this.size = 0;
  }

  private endLine(): void {
    const skipping = this.skipping;
    if (skipping) {
      this.skipping = undefined;
      const head = skipping.head.toString('utf8');
      const tail = skipping.tail.toString('utf8').replace(/\r$/, '');
      this.onOversized({ bytes: skipping.bytes, id: idOf(head, tail), hasMethod: METHOD_FIRST.test(head) || METHOD_LAST.test(tail) });
      return;
    }
    if (this.size === 0) return;
    const line = (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size)).toString('utf8');
    this.parts = [];
    this.size = 0;
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

function lastBytes(buffer: Buffer, n: number): Buffer {
  return buffer.length <= n ? buffer : buffer.subarray(buffer.length - n);
}

const ID = String.raw`("(?:[^"\\]|\\.)*"|-?\d+)`;
const SCALAR = String.raw`(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)`;
/** The id among the leading scalar members: `{"jsonrpc":"2.0","id":…` (no nesting opened yet, so top level). */
const ID_FIRST = new RegExp(String.raw`^\s*\{\s*(?:"[^"\\]*"\s*:\s*${SCALAR}\s*,\s*)*"id"\s*:\s*${ID}`);
/** The id among the trailing scalar members: `…,"id":…}` closing the outermost object. */
const ID_LAST = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID}\s*(?:,\s*"[^"\\]*"\s*:\s*${SCALAR}\s*)*\}\s*$`);
const METHOD_FIRST = new RegExp(String.raw`^\s*\{\s*(?:"[^"\\]*"\s*:\s*${SCALAR}\s*,\s*)*"method"\s*:`);
const METHOD_LAST = new RegExp(String.raw`[,{]\s*"method"\s*:\s*${SCALAR}\s*(?:,\s*"[^"\\]*"\s*:\s*${SCALAR}\s*)*\}\s*$`);

/** The top-level id, read from the members before or after the (oversized) nested value. */
function idOf(head: string, tail: string): string | number | undefined {
  const found = ID_FIRST.exec(head) ?? ID_LAST.exec(tail);
  if (!found) return undefined;
  try {
    return JSON.parse(found[1]!) as string | number;
  } catch {
    return undefined;
  }
}
