import { randomBytes } from 'node:crypto';
import { constantTimeEqualHex, hashApiToken } from '@switchboard/auth/api-token';
import {
  type ClientRegistration,
  clientMetadataDocumentSchema,
  describeRegistrationError,
  isClientIdUrl,
} from '@switchboard/auth/oauth/client-metadata';
import { invalidClient, OAuthError } from '@switchboard/auth/oauth/oauth-error';
import { fetchPublicJson, type SafeFetchOptions, SafeFetchError } from '@switchboard/auth/oauth/safe-fetch';
import { oauthClients } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { ServiceContext } from '../services/context.ts';

export type ClientRow = typeof oauthClients.$inferSelect;

/** How long a fetched client metadata document is trusted before it is fetched again. */
const CIMD_MAX_AGE_MS = 60 * 60_000;

export interface RegisteredClientResponse {
  client_id: string;
  client_secret?: string;
  client_id_issued_at: number;
  client_secret_expires_at?: number;
  [field: string]: unknown;
}

/** RFC 7591 registration. We choose the client_id (random) and, for confidential clients, the secret. */
export async function registerClient(ctx: ServiceContext, metadata: ClientRegistration): Promise<RegisteredClientResponse> {
  const clientId = `sbc_${randomBytes(16).toString('base64url')}`;
  const confidential = metadata.token_endpoint_auth_method !== 'none';
  const secret = confidential ? `sbcs_${randomBytes(32).toString('base64url')}` : undefined;
  const [row] = await ctx.db
    .insert(oauthClients)
    .values({
      clientId,
      kind: 'dcr',
      clientName: metadata.client_name ?? null,
      redirectUris: metadata.redirect_uris,
      tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
      clientSecretHash: secret ? hashApiToken(secret) : null,
      metadata: { ...metadata },
    })
    .returning();
  return {
    ...metadata,
    client_id: clientId,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(row!.createdAt.getTime() / 1000),
  };
}

export interface ClientLookupOptions {
  cimdFetch?: SafeFetchOptions;
}

/**
 * The client behind a client_id: one we registered, or (CIMD) the metadata document at the
 * https URL the client_id is, fetched safely, validated and cached. Revoked clients and
 * unusable documents answer an OAuthError; an unknown DCR id answers undefined.
 */
export async function findClient(ctx: ServiceContext, clientId: string, options: ClientLookupOptions = {}): Promise<ClientRow | undefined> {
  if (clientId.length > 2000) return undefined;
  const [row] = await ctx.db.select().from(oauthClients).where(eq(oauthClients.clientId, clientId));
  if (row?.revokedAt) throw invalidClient('this client has been revoked');
  if (!isClientIdUrl(clientId)) return row;
  if (row?.fetchedAt && Date.now() - row.fetchedAt.getTime() < CIMD_MAX_AGE_MS) return row;
  return refreshMetadataDocument(ctx, clientId, options);
}

async function refreshMetadataDocument(ctx: ServiceContext, clientId: string, options: ClientLookupOptions): Promise<ClientRow> {
  let document: unknown;
  try {
    document = await fetchPublicJson(clientId, options.cimdFetch);
  } catch (error) {
    const reason = error instanceof SafeFetchError ? error.message : 'the document could not be fetched';
    throw new OAuthError('invalid_client', `client metadata document refused: ${reason}`);
  }
  const parsed = clientMetadataDocumentSchema.safeParse(document);
  if (!parsed.success) throw new OAuthError('invalid_client', `client metadata document is invalid: ${describeRegistrationError(parsed.error)}`);
  if (parsed.data.client_id !== clientId) {
    throw new OAuthError('invalid_client', 'client metadata document names a different client_id than its URL');
  }
  const values = {
    clientId,
    kind: 'cimd' as const,
    clientName: parsed.data.client_name ?? null,
    redirectUris: parsed.data.redirect_uris,
    tokenEndpointAuthMethod: 'none' as const,
    metadata: { ...parsed.data },
    fetchedAt: new Date(),
  };
  const [row] = await ctx.db
    .insert(oauthClients)
    .values(values)
    .onConflictDoUpdate({ target: oauthClients.clientId, set: values })
    .returning();
  return row!;
}

export interface PresentedClientCredentials {
  clientId?: string;
  clientSecret?: string;
  /** Which way the credentials came: HTTP Basic or the form body. */
  method: 'basic' | 'post' | 'none';
}

/**
 * Token-endpoint client authentication (RFC 6749 §2.3): public clients identify themselves
 * by client_id alone; confidential ones must present their secret the way they registered.
 */
export async function authenticateClient(ctx: ServiceContext, presented: PresentedClientCredentials, options: ClientLookupOptions = {}): Promise<ClientRow> {
  if (!presented.clientId) throw invalidClient('client authentication is required');
  const client = await findClient(ctx, presented.clientId, options);
  if (!client) throw invalidClient('unknown client');
  if (client.tokenEndpointAuthMethod === 'none') {
    if (presented.clientSecret) throw invalidClient('this client is public and has no secret');
    return client;
  }
  const expectedMethod = client.tokenEndpointAuthMethod === 'client_secret_basic' ? 'basic' : 'post';
  if (presented.method !== expectedMethod || !presented.clientSecret || !client.clientSecretHash) {
    throw invalidClient(`authenticate with ${client.tokenEndpointAuthMethod}`);
  }
  if (!constantTimeEqualHex(hashApiToken(presented.clientSecret), client.clientSecretHash)) throw invalidClient('client authentication failed');
  return client;
}

export async function touchClient(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.update(oauthClients).set({ lastUsedAt: new Date() }).where(eq(oauthClients.id, id));
}
