/**
 * The benchmark's reference point for target (c): the cheapest HTTP hop Node can make.
 *   node bench/floor-relay.ts --port 0 --upstream http://127.0.0.1:PORT/mcp
 * It relays every request to the upstream on a keep-alive agent and hands the answer
 * back: no parsing, no auth, no policy, no audit, no id remapping, nothing a gateway
 * does. Whatever share of direct-http it reaches is the ceiling for any Node process
 * placed between the load and the same upstream on this machine (see bench/README.md).
 */
import { Agent, createServer, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } }, strict: true });
if (!values.upstream) {
  console.error('usage: floor-relay.ts --upstream http://127.0.0.1:PORT/mcp [--port N]');
  process.exit(2);
}
const upstream = new URL(values.upstream);
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
/** Per-hop headers (RFC 9110 §7.6.1) stay on their own connection. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer'];

const server = createServer((req, res) => {
  const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host };
  for (const name of HOP_BY_HOP) delete headers[name];
  const out = request(
    { hostname: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers, agent },
    (answer) => {
      const back = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete back[name];
      // A GET is a stream that stays open: piped. Every POST answer ends, so it goes back
      // whole with a length, as the gateway answers too (piping it costs the client and
      // this relay a chunked write per event: measured at twice this relay's CPU per call).
      if (req.method === 'GET') {
        res.writeHead(answer.statusCode ?? 502, back);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(answer.statusCode ?? 502, { ...back, 'content-length': String(body.length) }).end(body);
      });
    },
  );
  out.on('error', (error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`upstream failed: ${error.message}`);
  });
  // the client going away ends the upstream exchange too (GET streams never end by themselves)
  res.on('close', () => {
    if (!res.writableFinished) out.destroy();
  });
  req.pipe(out);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  process.stdout.write(`listening http://127.0.0.1:${port}/mcp\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
