import { z } from 'zod';
import { uuidSchema } from './common.ts';

/**
 * `GET /api/v1/{upstreams|virtual-servers|users}/{id}/dependents`: what deleting (or
 * disabling) the object would break, so a confirmation can say so. Counts that do not
 * apply to the kind are 0.
 */
export const dependentsSchema = z
  .object({
    /** Virtual servers that use the upstream (an upstream entry or one of its tools). */
    virtualServers: z.array(z.object({ id: uuidSchema, name: z.string() })),
    /** MCP sessions open now, in the answering gateway process, on the affected virtual servers. */
    openSessions: z.number().int(),
    /** Distinct people signed in through OAuth (a live refresh token) to the affected virtual servers. */
    signedInPeople: z.number().int(),
    /** A user's MCP clients signed in through OAuth (live refresh-token families). */
    signedInClients: z.number().int(),
    /** A user's live API tokens. */
    apiTokens: z.number().int(),
  })
  .meta({ id: 'Dependents' });
export type Dependents = z.infer<typeof dependentsSchema>;
