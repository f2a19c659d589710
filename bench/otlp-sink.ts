/**
 * A stand-in OpenTelemetry collector for the tracing A/B: accepts OTLP/HTTP exports
 * (`POST /v1/traces`, any encoding) on loopback, reads each body, answers 200 with an empty
 * response, and counts what arrived — so the gateway's exporter does all its real work
 * (batching, encoding, sending) without a collector installed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpSink {
  url: string;
  stats(): { exports: number; bytes: number };
  stop(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  let exports = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      if (req.method === 'POST') exports += 1;
      res.writeHead(req.method === 'POST' ? 200 : 405, { 'content-type': req.headers['content-type'] ?? 'application/json' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ exports, bytes }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
