import { z } from 'zod';
import { uuidSchema } from './common.ts';

/**
 * `GET /api/v1/sessions`: MCP sessions open now in the gateway process that answers
 * (2025-era clients keep one per connection; 2026-07-28 clients are stateless and have
 * none). With several replicas each reports its own.
 */
export const openSessionsSchema = z
  .object({
    total: z.number().int(),
    byVirtualServer: z.array(z.object({ virtualServerId: uuidSchema, sessions: z.number().int() })),
  })
  .meta({ id: 'OpenSessions' });
export type OpenSessions = z.infer<typeof openSessionsSchema>;
