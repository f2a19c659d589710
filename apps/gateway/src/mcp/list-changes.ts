/**
 * Which of a virtual server's lists (tools, prompts, resources) changed, and telling the
 * clients that listed them: after an edit of the server (a new routing table) or of the
 * access rules (per caller).
 */
import type { Server } from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { RoutingTable } from '@switchboard/core/federation/routing-table';
import type { Principal } from './principal.ts';

export interface ListChanges {
  tools: boolean;
  prompts: boolean;
  resources: boolean;
}

export const ALL_LISTS: ListChanges = { tools: true, prompts: true, resources: true };

/** Both changes at once (`before` absent: none yet); undefined while nothing changed. */
export function mergeChanges(before: ListChanges | undefined, change: ListChanges): ListChanges | undefined {
  const merged = { tools: !!before?.tools || change.tools, prompts: !!before?.prompts || change.prompts, resources: !!before?.resources || change.resources };
  return merged.tools || merged.prompts || merged.resources ? merged : undefined;
}

/** The lists whose entries differ between two routing tables (names, descriptions, targets: anything a client sees). */
export function tableChanges(before: RoutingTable, after: RoutingTable): ListChanges {
  const changed = (a: Iterable<unknown>, b: Iterable<unknown>) => JSON.stringify([...a]) !== JSON.stringify([...b]);
  return {
    tools: changed(before.tools.values(), after.tools.values()),
    prompts: changed(before.prompts.values(), after.prompts.values()),
    resources: changed(before.resources.values(), after.resources.values()) || changed(before.templates, after.templates),
  };
}

/** Tells one 2025-era session's client which of its lists changed (a session closing meanwhile is no error). */
export function announceChanges(server: Server, change: ListChanges): void {
  if (change.tools) void server.sendToolListChanged().catch(() => {});
  if (change.prompts) void server.sendPromptListChanged().catch(() => {});
  if (change.resources) void server.sendResourceListChanged().catch(() => {});
}

interface Listed {
  tools: string;
  prompts: string;
  resources: string;
}

/** What a caller would be listed, as comparable strings (names only: descriptions do not depend on access). */
function listed(router: VirtualServerRouter, visible: Visibility): Listed {
  return {
    tools: router
      .listTools(visible)
      .map((t) => t.name)
      .join('\n'),
    prompts: router
      .listPrompts(visible)
      .map((p) => p.name)
      .join('\n'),
    resources: [
      ...router.listResources(visible).map((r) => r.uri),
      ...router.listResourceTemplates(visible).map((t) => t.uriTemplate),
    ].join('\n'),
  };
}

/**
 * Tells each open session whose tools, prompts or resources differ between two access
 * states, at once. Sessions of one principal see the same lists, so each principal's
 * lists are computed once.
 */
export function notifyAccessChanges(
  router: VirtualServerRouter,
  sessions: Array<{ principal: Principal; server: Server }>,
  before: (p: Principal) => Visibility,
  after: (p: Principal) => Visibility,
) {
  const changes = new Map<string, ListChanges>();
  for (const session of sessions) {
    let change = changes.get(session.principal.key);
    if (!change) {
      const old = listed(router, before(session.principal));
      const now = listed(router, after(session.principal));
      change = { tools: old.tools !== now.tools, prompts: old.prompts !== now.prompts, resources: old.resources !== now.resources };
      changes.set(session.principal.key, change);
    }
    announceChanges(session.server, change);
  }
}
