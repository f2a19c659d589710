import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, expect } from 'vitest';
import { type ReplicaOptions, type Replicas, startReplicas } from './replicas.ts';

type Fixture = Awaited<ReturnType<typeof startHttpFixture>>;

/**
 * For a test file: three replicas behind HAProxy on one Postgres and the HTTP conformance
 * fixture, with `document(fixtureUrl)` imported and virtual server `serverId` served on every
 * replica before the tests; all stopped after them (`DEBUG_REPLICAS=1` prints the replicas'
 * logs first).
 */
export function replicasWithFixture(serverId: string, document: (fixtureUrl: string) => unknown, options?: ReplicaOptions) {
  const suite = {} as { ha: Replicas; fixture: Fixture };
  beforeAll(async () => {
    suite.fixture = await startHttpFixture();
    suite.ha = await startReplicas(3, options);
    const imported = await suite.ha.api('POST', '/import', document(suite.fixture.url));
    expect(imported.status, await imported.clone().text()).toBe(200);
    await suite.ha.serving(serverId);
  }, 240_000);
  afterAll(async () => {
    if (process.env.DEBUG_REPLICAS) for (const r of suite.ha?.replicas ?? []) console.log(r.name, r.process?.output().slice(-4000));
    await suite.ha?.stop();
    await suite.fixture?.stop();
  });
  return suite;
}
