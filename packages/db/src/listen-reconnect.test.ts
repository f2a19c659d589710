import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from './client.ts';
import { startPostgresServer } from './testing/postgres-server.ts';
import { startTcpProxy } from './testing/tcp-proxy.ts';

/** Replicas rely on this to catch up on what they missed (federation/replica-sync.ts). */
describe('LISTEN over a connection that drops', () => {
  it('listens again once the database is back, and says so through onReconnect', async () => {
    const url = new URL(inject('postgresUrl'));
    const proxy = await startTcpProxy(Number(url.port));
    const via = new URL(url);
    via.port = String(proxy.port);
    const sender = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 1 });
    const listener = await openDatabase({ kind: 'postgres', url: via.toString(), maxConnections: 1 });
    try {
      const heard: string[] = [];
      let reconnects = 0;
      await listener.listen('sb_test_channel', (payload) => heard.push(payload), () => reconnects++);
      await sender.notify('sb_test_channel', 'before');
      for (let i = 0; i < 20 && !heard.includes('before'); i++) await new Promise((r) => setTimeout(r, 50));
      await proxy.cut();
      await sender.notify('sb_test_channel', 'missed'); // lost: why onReconnect must reload everything
      await new Promise((r) => setTimeout(r, 1000));
      await proxy.restore();
      for (let i = 0; i < 40 && reconnects === 0; i++) await new Promise((r) => setTimeout(r, 250));
      expect(reconnects).toBe(1);
      await sender.notify('sb_test_channel', 'after');
      for (let i = 0; i < 20 && !heard.includes('after'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual(['before', 'after']);
    } finally {
      await sender.close();
      await listener.close();
      await proxy.close();
    }
  });

  it('listens again within about a second of a stopped Postgres starting again, however long it was away', async () => {
    // A server stopped for real (not a cut link): its connections end with an error and
    // every attempt meanwhile is refused, which is what grew postgres.js's own backoff.
    const pg = await startPostgresServer();
    const listener = await openDatabase({ kind: 'postgres', url: pg.url, maxConnections: 1 });
    try {
      let reconnects = 0;
      await listener.listen('sb_test_long_outage', () => {}, () => reconnects++);
      await pg.pause();
      await new Promise((r) => setTimeout(r, 10_000));
      await pg.resume();
      const resumedAt = Date.now();
      while (reconnects === 0 && Date.now() - resumedAt < 30_000) await new Promise((r) => setTimeout(r, 50));
      expect(reconnects).toBe(1);
      expect(Date.now() - resumedAt).toBeLessThan(3000);
    } finally {
      await listener.close();
      await pg.stop();
    }
  }, 60_000);
});
