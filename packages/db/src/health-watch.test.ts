import { connect, createServer, type Socket } from 'node:net';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { watchDatabaseHealth } from './health-watch.ts';

/** A TCP front for the test Postgres that can go silent: connections stay open, nothing passes. */
async function silenceableFront(target: URL) {
  let silent = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    if (silent) return;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    client.on('data', (d) => silent || upstream.write(d));
    upstream.on('data', (d) => silent || client.write(d));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    silence: () => {
      silent = true;
    },
    speak: () => {
      silent = false;
      for (const s of sockets) s.destroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('the database health watchdog', () => {
  it('notices a database that stops answering within interval + timeout, and its return', async () => {
    const front = await silenceableFront(new URL(inject('postgresUrl')));
    const changes: boolean[] = [];
    const health = watchDatabaseHealth({
      connect: () => postgres(front.url, { max: 1, connect_timeout: 0.5, onnotice: () => {} }),
      intervalMs: 100,
      timeoutMs: 500,
      onChange: (available) => changes.push(available),
    });
    try {
      await new Promise((r) => setTimeout(r, 400));
      expect(health.available).toBe(true);
      const noticed = health.whenUnavailable();
      const silenced = Date.now();
      front.silence();
      await noticed;
      expect(Date.now() - silenced).toBeLessThan(1500);
      expect(health.available).toBe(false);
      front.speak();
      for (const started = Date.now(); !health.available && Date.now() - started < 3000; ) await new Promise((r) => setTimeout(r, 50));
      expect(health.available).toBe(true);
      expect(changes).toEqual([false, true]);
    } finally {
      await health.stop();
      front.close();
    }
  });
});
