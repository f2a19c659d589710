import type { Server } from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { Principal } from './principal.ts';

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
  const changes = new Map<string, { tools: boolean; prompts: boolean; resources: boolean }>();
  for (const session of sessions) {
    let change = changes.get(session.principal.key);
    if (!change) {
      const old = listed(router, before(session.principal));
      const now = listed(router, after(session.principal));
      change = { tools: old.tools !== now.tools, prompts: old.prompts !== now.prompts, resources: old.resources !== now.resources };
      changes.set(session.principal.key, change);
    }
    if (change.tools) void session.server.sendToolListChanged().catch(() => {});
    if (change.prompts) void session.server.sendPromptListChanged().catch(() => {});
    if (change.resources) void session.server.sendResourceListChanged().catch(() => {});
  }
}
