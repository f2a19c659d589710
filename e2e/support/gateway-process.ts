/**
 * Gateway processes for the e2e suite (apps/gateway/src/testing/gateway-process.ts), for
 * faults that only exist between processes: a second process on one data directory, a
 * replica whose database connection is cut, a process killed with SIGKILL or ended with
 * SIGTERM (and the upstream processes it must not leave behind).
 */
import {
  type Exited,
  type GatewayProcess,
  hasStarted,
  spawnGateway,
  startGatewayProcess as startProcess,
} from '../../apps/gateway/src/testing/gateway-process.ts';

export { type Exited, type GatewayProcess, hasStarted, spawnGateway };

/** Whether a process with this pid exists (a zombie counts until its parent reaps it). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The bootstrap admin token the process tests start gateways with. */
export const PROCESS_ADMIN_TOKEN = 'faults-process-admin-token-'.padEnd(48, 'x');

/** The admin API of a gateway process, with PROCESS_ADMIN_TOKEN. */
export const processApi = (url: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });

const running: GatewayProcess[] = [];

/** A gateway process that must start (throws with its output otherwise); killed by killGateways(). */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const gw = await startProcess(env);
  running.push(gw);
  return gw;
}

/** Also takes one that was expected to exit but started anyway. */
export const trackGateway = (gw: GatewayProcess) => running.push(gw);

export async function killGateways(): Promise<void> {
  await Promise.all(running.splice(0).map((gw) => gw.kill()));
}
