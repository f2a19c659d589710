import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';
import { createTestDatabase } from '@switchboard/db/testing/test-database';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, type GatewayProcess, startGatewayProcess } from '../testing/gateway-process.ts';
import { authorizeUrl, initializeRequest, loginAndConsent, pkcePair, tokenRequest } from '../testing/oauth-helpers.ts';
import { TestBrowser } from '../testing/test-browser.ts';

const REDIRECT = 'http://127.0.0.1:7777/callback';
const person = { email: 'rita@example.com', password: 'correct horse battery' };

describe('revocation across two gateway processes on one Postgres', () => {
  const started: GatewayProcess[] = [];
  let dataDir: string | undefined;
  afterAll(async () => {
    await Promise.all(started.map((gw) => gw.signal('SIGTERM')));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a revocation made on replica A is refused by replica B within milliseconds, and by a replica started later', async () => {
    const databaseUrl = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'sb-revocation-'));
    const adminToken = randomBytes(32).toString('hex');
    // Both replicas sit behind one public address (A's here): one issuer, one audience per server.
    const [portA, portB] = [await freePort(), await freePort()];
    const issuer = `http://127.0.0.1:${portA}`;
    const env = {
      DATABASE_URL: databaseUrl,
      SWITCHBOARD_SECRET_KEYS: formatKeyRing([generateSecretKey('k1')]),
      SWITCHBOARD_PUBLIC_URL: issuer,
      SWITCHBOARD_ADMIN_TOKEN: adminToken,
      SWITCHBOARD_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    };
    const a = await startGatewayProcess({ ...env, PORT: String(portA) });
    const b = await startGatewayProcess({ ...env, PORT: String(portB) });
    started.push(a, b);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${a.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });

    expect((await admin('POST', '/users', person)).status).toBe(201);
    const server = (await (await admin('POST', '/virtual-servers', { name: 'shared', authMode: 'oauth', defaultAccess: 'allow' })).json()) as { id: string };
    const resource = `${issuer}/servers/${server.id}/mcp`;
    const onB = (token?: string) => fetch(`${b.url}/servers/${server.id}/mcp`, initializeRequest(token)).then((r) => r.status);
    // B learns of the new server through the configuration notification.
    for (let i = 0; i < 100 && (await onB()) === 404; i++) await new Promise((r) => setTimeout(r, 50));

    const registered = await fetch(`${issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
    });
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    async function tokensFromA() {
      const { verifier, challenge } = pkcePair();
      const redirect = await loginAndConsent(new TestBrowser(), authorizeUrl({ issuer, clientId, redirectUri: REDIRECT, resource, challenge }), person);
      const response = await fetch(
        `${issuer}/oauth/token`,
        tokenRequest({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId }),
      );
      expect(response.status).toBe(200);
      return (await response.json()) as { access_token: string; refresh_token: string };
    }
    /**
     * Milliseconds from A's answer until B refuses the token (requests every 5 ms). B hears
     * of it by NOTIFY, which races the test's next request by a few milliseconds at most
     * (measured: usually the very next request, at worst one more); before this change, never.
     */
    async function msUntilRefusedOnB(token: string) {
      const start = performance.now();
      while (performance.now() - start < 2000) {
        if ((await onB(token)) === 401) return performance.now() - start;
        await new Promise((r) => setTimeout(r, 5));
      }
      return Number.POSITIVE_INFINITY;
    }

    // An access token revoked at A's revocation endpoint (RFC 7009).
    const first = await tokensFromA();
    expect(await onB(first.access_token)).toBe(200); // verified and cached on B
    expect((await fetch(`${issuer}/oauth/revoke`, tokenRequest({ token: first.access_token, client_id: clientId }))).status).toBe(200);
    expect(await msUntilRefusedOnB(first.access_token)).toBeLessThan(100);

    // A consent withdrawn through A's admin API.
    const second = await tokensFromA();
    expect(await onB(second.access_token)).toBe(200);
    const consents = (await (await admin('GET', '/oauth-consents')).json()) as { items: Array<{ id: string }> };
    expect((await admin('DELETE', `/oauth-consents/${consents.items[0]!.id}`)).status).toBe(204);
    expect(await msUntilRefusedOnB(second.access_token)).toBeLessThan(100);

    // A replica started after the revocations knows them (loaded from the database at boot).
    const c = await startGatewayProcess({ ...env, PORT: String(await freePort()) });
    started.push(c);
    expect(await fetch(`${c.url}/servers/${server.id}/mcp`, initializeRequest(first.access_token)).then((r) => r.status)).toBe(401);
  });
});
