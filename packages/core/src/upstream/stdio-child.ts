/**
 * Ending a stdio upstream's process for good: end of input, then SIGTERM, then SIGKILL,
 * each after a grace period, and resolved only once the process has exited. The SDK's
 * StdioClientTransport.close() does the same steps but does not wait for the exit, and
 * when the SDK closes the transport itself (a failed handshake) nobody waits at all: a
 * gateway that exited meanwhile left the child behind (issue 20, #13).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Between end of input and SIGTERM, and between SIGTERM and SIGKILL (as the SDK's close). */
export const CHILD_GRACE_MS = 2_000;

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export async function endChild(child: ChildProcess, graceMs = CHILD_GRACE_MS): Promise<void> {
  if (exited(child)) return;
  const exit = once(child, 'exit').then(() => true);
  const within = (ms: number) => Promise.race([exit, new Promise<false>((resolve) => setTimeout(resolve, ms, false).unref())]);
  child.stdin?.end();
  if (await within(graceMs)) return;
  if (!exited(child)) child.kill('SIGTERM');
  if (await within(graceMs)) return;
  if (!exited(child)) child.kill('SIGKILL');
  // SIGKILL cannot be ignored; the bound only guards against a process stuck in the kernel
  await within(graceMs);
}
