import { z } from 'zod';

/**
 * The admin playground of a virtual server: its tools (as a client would list them,
 * without access policy) and one call of one tool as the signed-in administrator.
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
  })
  .strict()
  .meta({ id: 'PlaygroundCall' });
export type PlaygroundCall = z.input<typeof playgroundCallSchema>;

/**
 * How the call went. `ok` and `tool_error` carry the tool's result (content blocks,
 * structured content, `isError`); the others carry the gateway's error instead.
 */
export const playgroundOutcomeSchema = z.enum(['ok', 'tool_error', 'upstream_failure', 'timeout']);

export const playgroundCallResultSchema = z
  .object({
    outcome: playgroundOutcomeSchema,
    durationMs: z.number().int(),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'PlaygroundCallResult' });
export type PlaygroundCallResult = z.infer<typeof playgroundCallResultSchema>;
