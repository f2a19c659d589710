/**
 * The protocol matrix (issue 19, support/protocol-matrix.ts) against one gateway: every
 * client era × every upstream kind, 12 cells. replicas-protocols.test.ts runs the same
 * cells through HAProxy in front of three replicas.
 */
import { describeProtocolMatrix } from './support/protocol-matrix.ts';
import { startE2eGateway } from './support/gateway.ts';

describeProtocolMatrix('one gateway', async (cleanup) => {
  const gw = await startE2eGateway();
  cleanup.add(() => gw.stop());
  return { gateway: gw, api: gw.api, processes: [gw.api] };
});
