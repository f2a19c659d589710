import { z } from 'zod';

/** `POST /api/v1/upstreams/test`: whether a definition connects, and what it offers. */
export const connectionTestSchema = z
  .object({
    ok: z.boolean(),
    /** Why it failed (for stdio, with the tail of the process's stderr). Admins only. */
    error: z.string().nullable(),
    protocolVersion: z.string().nullable(),
    serverInfo: z.record(z.string(), z.unknown()).nullable(),
    tools: z.array(z.string()),
    resources: z.number().int(),
    prompts: z.number().int(),
    ms: z.number().int(),
  })
  .meta({ id: 'ConnectionTest' });
export type ConnectionTest = z.infer<typeof connectionTestSchema>;
