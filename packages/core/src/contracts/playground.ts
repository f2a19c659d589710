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
    /**
     * Answering what the tool asked (an earlier answer's `inputRequired`): the answers keyed
     * as asked (`elicitation/create` → `{ action, content }`), and the `requestState` as given.
     */
    inputResponses: z.record(z.string().max(64), z.record(z.string(), z.unknown())).optional(),
    requestState: z.string().max(16_384).optional(),
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

/**
 * One JSON-RPC message of a playground request as an MCP client of the virtual server would
 * see it: the request it sends, the notifications (progress, logs) it receives while the
 * request runs, and the response.
 */
export const playgroundMessageSchema = z.object({
  direction: z.enum(['sent', 'received']),
  message: z.record(z.string(), z.unknown()),
});
export type PlaygroundMessage = z.infer<typeof playgroundMessageSchema>;

/**
 * The tool asked for input before it can finish (elicitation, sampling): the requests keyed
 * as the answers must be, and the `requestState` to send back with them (call again).
 */
export const playgroundInputRequiredSchema = z
  .object({
    requests: z.record(z.string(), z.object({ method: z.string(), params: z.record(z.string(), z.unknown()).optional() })),
    requestState: z.string().optional(),
  })
  .meta({ id: 'PlaygroundInputRequired' });
export type PlaygroundInputRequired = z.infer<typeof playgroundInputRequiredSchema>;

/** A playground answer, with the raw exchange (the inspector's "JSON-RPC" view). */
export const playgroundAnswerSchema = playgroundCallResultSchema
  .extend({ exchange: z.array(playgroundMessageSchema), inputRequired: playgroundInputRequiredSchema.optional() })
  .meta({ id: 'PlaygroundAnswer' });
export type PlaygroundAnswer = z.infer<typeof playgroundAnswerSchema>;

/** Read a resource (by URI, a template filled in) or get a prompt (with its arguments), as a client would. */
export const playgroundRequestSchema = z
  .object({
    kind: z.enum(['resource', 'prompt']),
    /** The resource URI, or the prompt's exposed name. */
    name: z.string().min(1).max(2048),
    /** A prompt's arguments (strings, as MCP defines them). */
    arguments: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().min(100).max(300_000).optional(),
    asUser: z.string().min(1).max(320).optional(),
  })
  .strict()
  .meta({ id: 'PlaygroundRequest' });
export type PlaygroundRequest = z.input<typeof playgroundRequestSchema>;

/** Subscribe to one resource's updates as the person (`resources/subscribe`); the stream stays open until closed. */
export const playgroundSubscribeSchema = z
  .object({ uri: z.string().min(1).max(2048), asUser: z.string().min(1).max(320).optional() })
  .strict()
  .meta({ id: 'PlaygroundSubscribe' });
export type PlaygroundSubscribe = z.input<typeof playgroundSubscribeSchema>;

/** What the person may read and get there: resources, resource templates and prompts, as an MCP client lists them. */
export const playgroundCatalogSchema = z
  .object({
    resources: z.array(z.looseObject({ uri: z.string(), name: z.string(), description: z.string().optional(), mimeType: z.string().optional() })),
    resourceTemplates: z.array(z.looseObject({ uriTemplate: z.string(), name: z.string(), description: z.string().optional() })),
    prompts: z.array(
      z.looseObject({
        name: z.string(),
        description: z.string().optional(),
        arguments: z.array(z.looseObject({ name: z.string(), description: z.string().optional(), required: z.boolean().optional() })).optional(),
      }),
    ),
  })
  .meta({ id: 'PlaygroundCatalog' });
export type PlaygroundCatalog = z.infer<typeof playgroundCatalogSchema>;

/** `completion/complete` for a prompt argument or a resource template variable, as a client would ask it. */
export const playgroundCompleteSchema = z
  .object({
    ref: z.discriminatedUnion('type', [
      z.object({ type: z.literal('ref/prompt'), name: z.string().min(1).max(128) }),
      z.object({ type: z.literal('ref/resource'), uri: z.string().min(1).max(2048) }),
    ]),
    argument: z.object({ name: z.string().min(1).max(128), value: z.string().max(1024) }),
    /** Values of the other arguments already filled in. */
    context: z.object({ arguments: z.record(z.string(), z.string()) }).optional(),
    asUser: z.string().min(1).max(320).optional(),
  })
  .strict()
  .meta({ id: 'PlaygroundComplete' });
export type PlaygroundComplete = z.input<typeof playgroundCompleteSchema>;

export const playgroundCompletionSchema = z
  .object({ values: z.array(z.string()), hasMore: z.boolean(), error: z.string().nullable() })
  .meta({ id: 'PlaygroundCompletion' });
export type PlaygroundCompletion = z.infer<typeof playgroundCompletionSchema>;
