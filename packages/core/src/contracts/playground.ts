import { z } from 'zod';

/**
 * The playground of a virtual server: its tools as the signed-in person would list them
 * (their access policy applies), and one call of one tool as them — or, for an
 * administrator debugging access, as another person (`asUser`, recorded as such).
 */
export const playgroundToolSchema = z
  .object({
    name: z.string(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    inputSchema: z.record(z.string(), z.unknown()),
    upstreamName: z.string(),
    upstreamTool: z.string(),
  })
  .meta({ id: 'PlaygroundTool' });
export type PlaygroundTool = z.infer<typeof playgroundToolSchema>;

export const playgroundToolsSchema = z.object({ items: z.array(playgroundToolSchema) }).meta({ id: 'PlaygroundTools' });
export type PlaygroundTools = z.infer<typeof playgroundToolsSchema>;

export const playgroundCallSchema = z
  .object({
    name: z.string().min(1).max(128),
    arguments: z.record(z.string(), z.unknown()).default({}),
    timeoutMs: z.number().int().min(100).max(300_000).optional(),
    /** Administrators only: call as this person (user id or e-mail); the audit trail names both. */
    asUser: z.string().min(1).max(320).optional(),
  })
  .strict()
  .meta({ id: 'PlaygroundCall' });
export type PlaygroundCall = z.input<typeof playgroundCallSchema>;

/**
 * How the call went, named as the audit trail names it. `ok` and `tool_error` carry the
 * tool's result (content blocks, structured content, `isError`); the others carry the
 * gateway's error instead: `code` is the audit trail's error code (`policy`, `timeout`,
 * `unavailable`, `rpc_<code>`…), `message` what an MCP client would have been told.
 */
export const playgroundOutcomeSchema = z.enum(['ok', 'tool_error', 'denied', 'limited', 'upstream_failure', 'timeout']);

/** `?asUser=` on the tool list: list as that person (administrators only). */
export const playgroundListQuerySchema = z.object({ asUser: z.string().min(1).max(320).optional() });

export const playgroundCallResultSchema = z
  .object({
    outcome: playgroundOutcomeSchema,
    durationMs: z.number().int(),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'PlaygroundCallResult' });
export type PlaygroundCallResult = z.infer<typeof playgroundCallResultSchema>;
