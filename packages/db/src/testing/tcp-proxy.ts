/**
 * A TCP proxy between a gateway and its Postgres, for cutting one replica's database link
 * and restoring it: `cut()` drops every open connection and refuses new ones (as a network
 * partition ending in resets would), `restore()` accepts again on the same port.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): Promise<void>;
  /**
   * The link goes silent (a partition without resets, or a database host that stopped
   * answering): connections stay open, nothing passes, new connections are accepted and
   * never answered. `restore()` ends the stalled connections and forwards again.
   */
  stall(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const open = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((client) => {
        if (stalled) {
          track(client);
          client.on('error', () => {});
          return;
        }
        const upstream = connect(targetPort, targetHost);
        track(client);
        track(upstream);
        // forwarding by hand, so stall() can drop what is in flight
        client.on('data', (chunk) => {
          if (!stalled) upstream.write(chunk);
        });
        upstream.on('data', (chunk) => {
          if (!stalled) client.write(chunk);
        });
        const end = () => {
          client.destroy();
          upstream.destroy();
        };
        client.once('error', end).once('close', end);
        upstream.once('error', end).once('close', end);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  let server: Server | undefined = await open(0);
  const port = (server.address() as { port: number }).port;
  const cut = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  return {
    port,
    cut,
    stall() {
      stalled = true;
    },
    async restore() {
      if (stalled) {
        stalled = false;
        for (const socket of sockets) socket.destroy();
      }
      server ??= await open(port);
    },
    close: cut,
  };
}
