import type { Dependents } from '@switchboard/core/contracts/dependents';
import type { DependentKind } from '../api/dependents.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (names: string[]) => (names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`);

/** Sentences for a confirmation: what deleting the object breaks (empty when nothing). */
export function describeDependents(kind: DependentKind, d: Dependents): string[] {
  const lines: string[] = [];
  if (kind === 'upstream' && d.virtualServers.length > 0) {
    const names = list(d.virtualServers.map((s) => s.name));
    lines.push(`${plural(d.virtualServers.length, 'virtual server')} ${d.virtualServers.length === 1 ? 'uses' : 'use'} this upstream (${names}); their tools from it disappear.`);
  }
  if (d.signedInPeople > 0) {
    const where = kind === 'upstream' ? 'to them' : 'to this server';
    lines.push(`${plural(d.signedInPeople, 'person', 'people')} ${d.signedInPeople === 1 ? 'is' : 'are'} signed in ${where} through an MCP client.`);
  }
  if (d.openSessions > 0) lines.push(`${plural(d.openSessions, 'MCP session')} ${d.openSessions === 1 ? 'is' : 'are'} open right now and will fail.`);
  if (d.signedInClients > 0) lines.push(`${plural(d.signedInClients, 'MCP client')} signed in as this user ${d.signedInClients === 1 ? 'stops' : 'stop'} working.`);
  if (d.apiTokens > 0) lines.push(`${plural(d.apiTokens, 'API token')} of this user ${d.apiTokens === 1 ? 'is' : 'are'} deleted with them.`);
  return lines;
}
