import { z } from 'zod';
import { uuidSchema } from './common.ts';
import { authModeSchema } from './virtual-servers.ts';

/**
 * `GET /api/v1/me/servers`: the enabled virtual servers the signed-in person may use —
 * each with the tools their policy lets them see and call (the same evaluator as the MCP
 * endpoints), and what a client needs to connect.
 */
export const myServerSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    description: z.string().nullable(),
    url: z.string(),
    authMode: authModeSchema,
    tools: z.array(z.object({ name: z.string(), upstream: z.string(), description: z.string().nullable() })),
    /** Prompts and resources the person may use (counted; the tools are what people look for). */
    otherItems: z.number().int(),
  })
  .meta({ id: 'MyServer' });
export type MyServer = z.infer<typeof myServerSchema>;

export const myServersSchema = z.object({ items: z.array(myServerSchema) }).meta({ id: 'MyServers' });
export type MyServers = z.infer<typeof myServersSchema>;
