/**
 * Reads a stdio upstream's stdout in place of the SDK transport's own reader, framed by
 * line-framer.ts (which says why), and hands each message on: answers to the stdio relay's
 * calls to the relay, everything else to the SDK client through the transport's public
 * `onmessage`, as the SDK's reader does. A message over the upstream's limit fails only the
 * request it answers: the request's owner gets a JSON-RPC error naming the sizes, the
 * connection and every other call carry on.
 *
 * The SDK keeps the child process private: this reaches `_process.stdout` once, right after
 * spawn, and replaces the transport's `data` listener. That is why the SDK versions are
 * pinned exactly (packages/core/package.json); a transport without that shape keeps the
 * SDK's reader, and then its buffer cap (which fails the connection) applies instead.
 */
import type { ChildProcess } from 'node:child_process';
import { INTERNAL_ERROR, parseJSONRPCMessage, STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/client';
import type { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { LineFramer, type OversizedLine } from './line-framer.ts';
import type { RpcMessage } from './relay-wire.ts';

/** The default per-message limit: the SDK's own buffer cap, so nothing that worked before is refused. */
export const DEFAULT_MAX_MESSAGE_BYTES = STDIO_DEFAULT_MAX_BUFFER_SIZE;

export interface StdioReaderOptions {
  upstreamName: string;
  maxMessageBytes?: number;
  /** An oversized message was skipped (for a warning in the log). */
  onOversized?: (line: OversizedLine) => void;
}

export class StdioReader {
  /** The relay's hook: true when it took the message (an answer to one of its calls). */
  intercept?: (message: RpcMessage) => boolean;
  /** Whether this reader serves the transport (false: the SDK reads, see the file comment). */
  active = false;
  /** The child process, once spawned (closeLive ends it and waits for its exit, see stdio-child.ts). */
  child?: ChildProcess;

  constructor(
    private readonly transport: StdioClientTransport,
    private readonly options: StdioReaderOptions,
  ) {
    const start = transport.start.bind(transport);
    transport.start = async () => {
      await start();
      // the promise settles on 'spawn', before any stdout chunk can have been read
      this.child = (transport as unknown as { _process?: ChildProcess })._process;
      const stdout = this.child?.stdout;
      if (!stdout) return;
      const limit = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
      const framer = new LineFramer(limit, (line) => this.line(line), (line) => this.oversized(line, limit));
      stdout.removeAllListeners('data');
      stdout.on('data', (chunk: Buffer) => framer.push(chunk));
      this.active = true;
    };
  }

  private line(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return; // not JSON (a server printing to stdout): skipped, as the SDK does
    }
    this.deliver(message);
  }

  private deliver(message: unknown): void {
    if (this.intercept?.(message as RpcMessage)) return;
    try {
      this.transport.onmessage?.(parseJSONRPCMessage(message));
    } catch (error) {
      this.transport.onerror?.(error as Error);
    }
  }

  /** The answer was too big: its request fails with an error answer in its place. */
  private oversized(line: OversizedLine, limit: number): void {
    this.options.onOversized?.(line);
    if (line.id === undefined || line.hasMethod) return;
    const message = `upstream ${this.options.upstreamName} sent a message of ${line.bytes} bytes, over its limit of ${limit} bytes (maxMessageBytes)`;
    this.deliver({ jsonrpc: '2.0', id: line.id, error: { code: INTERNAL_ERROR, message } });
  }
}
