import type { KeyRing } from '@switchboard/auth/secret-box';
import { userPlaceholders } from '@switchboard/core/credentials/placeholders';
import type { UpstreamCredentials, UpstreamCredentialsInput } from '@switchboard/core/contracts/credentials';
import type { upstreams } from '@switchboard/db/schema';
import { badRequest } from '../errors.ts';
import { describeOAuthOptions, storedOAuthOptions } from '../upstream-oauth/options.ts';
import { describeMap, mergeEncryptedMap } from './secret-fields.ts';

type UpstreamRow = typeof upstreams.$inferSelect;
type Stored = Pick<UpstreamRow, 'credentialMode' | 'credentialOptions'>;

/**
 * An upstream's credential mode and options as stored: the options as given, except a
 * per-user service credential, whose values are encrypted (and merged with the stored
 * ones: a string sets, null removes, an absent name keeps). Options of another mode are
 * dropped when the mode changes.
 */
export function storedCredentials(ring: KeyRing, input: UpstreamCredentialsInput, current?: Stored): Stored {
  const { mode, ...options } = input;
  if (mode === 'per-user') {
    const kept = current?.credentialMode === 'per-user' ? ((current.credentialOptions.serviceCredential as Record<string, string> | undefined) ?? {}) : {};
    const patch = (options as { serviceCredential?: Record<string, string | null> }).serviceCredential ?? {};
    const serviceCredential = mergeEncryptedMap(ring, kept, patch);
    return { credentialMode: mode, credentialOptions: Object.keys(serviceCredential).length ? { serviceCredential } : {} };
  }
  if (mode === 'oauth') {
    const previous = current?.credentialMode === 'oauth' ? current.credentialOptions : undefined;
    return { credentialMode: mode, credentialOptions: guarded(() => storedOAuthOptions(ring, options as Parameters<typeof storedOAuthOptions>[1], previous)) };
  }
  return { credentialMode: mode, credentialOptions: options };
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw badRequest((error as Error).message);
  }
}

/** The mode and options as the API shows them: secrets as `{ hasValue: true }`, the names people supply. */
export function describeCredentials(row: UpstreamRow, decrypted: { env: Record<string, string>; headers: Record<string, string> }): UpstreamCredentials {
  const options = { ...row.credentialOptions };
  if (row.credentialMode === 'per-user' && options.serviceCredential) options.serviceCredential = describeMap(options.serviceCredential as Record<string, string>);
  if (row.credentialMode === 'oauth') Object.assign(options, describeOAuthOptions(options));
  return {
    mode: row.credentialMode,
    userValues: row.credentialMode === 'per-user' ? userPlaceholders(row.transport === 'stdio' ? decrypted.env : decrypted.headers) : [],
    options,
  };
}

/** After a create or update, the row's credentials must make sense for its transport and values. */
export function assertCredentials(row: UpstreamRow, decrypted: { env: Record<string, string>; headers: Record<string, string> }) {
  const mode = row.credentialMode;
  const stdio = row.transport === 'stdio';
  const names = userPlaceholders(stdio ? decrypted.env : decrypted.headers);
  const elsewhere = userPlaceholders(stdio ? decrypted.headers : decrypted.env);
  if (mode === 'per-user' && names.length === 0) {
    throw badRequest(`credentials: a per-user upstream needs \${user:NAME} in its ${stdio ? 'env' : 'headers'} values (e.g. "Bearer \${user:API_TOKEN}")`);
  }
  if (mode !== 'per-user' && (names.length > 0 || elsewhere.length > 0)) {
    throw badRequest(`credentials: \${user:${[...names, ...elsewhere][0]}} is only filled in for a per-user upstream (set "credentials": "per-user")`);
  }
  if (mode === 'identity-assertion' && stdio) throw badRequest('credentials: identity-assertion needs an HTTP upstream (the assertion travels in a header)');
  if ((mode === 'oauth' || mode === 'token-exchange') && stdio) throw badRequest(`credentials: ${mode} needs an HTTP upstream (the token travels in a header)`);
  if (mode === 'per-user') {
    const service = Object.keys((row.credentialOptions.serviceCredential as Record<string, string> | undefined) ?? {});
    const unknown = service.find((name) => !names.includes(name));
    if (unknown) throw badRequest(`credentials.serviceCredential.${unknown}: the upstream uses no \${user:${unknown}}`);
  }
}
