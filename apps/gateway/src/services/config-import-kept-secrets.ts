import { EnvSubstitutionError, substituteEnv } from '@switchboard/core/config/substitute-env';
import type { KeptSecret } from '@switchboard/core/contracts/import-summary';
import type { upstreams } from '@switchboard/db/schema';
import { badRequest } from '../errors.ts';

/** A secret of an `mcpServers` entry whose `${VAR}` is not set (and has no default). */
export interface UnsetSecret extends KeptSecret {
  /** Where in the document, for the error when there is nothing stored to keep. */
  path: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The variable a string names but the environment does not set, if any. */
function unsetVariable(value: string, env: Record<string, string | undefined>, path: string): string | undefined {
  try {
    substituteEnv(value, env, path);
    return undefined;
  } catch (error) {
    if (error instanceof EnvSubstitutionError) return error.variable;
    throw error;
  }
}

/**
 * An export writes every secret as a `${VAR}` placeholder. Re-importing it where a variable
 * is not set must not fail, nor blank the secret: such secrets (env values, headers, the
 * bearer token of `mcpServers` entries) are taken out of the document before substitution,
 * and the import keeps the value the gateway already stores (see `keepStoredSecrets`).
 * Anywhere else an unset variable is still an error.
 */
export function setAsideUnsetSecrets(raw: unknown, env: Record<string, string | undefined>): { raw: unknown; unset: UnsetSecret[] } {
  if (!isObject(raw) || !isObject(raw.mcpServers)) return { raw, unset: [] };
  const unset: UnsetSecret[] = [];
  const servers: Json = {};
  for (const [upstream, entry] of Object.entries(raw.mcpServers)) {
    if (!isObject(entry)) {
      servers[upstream] = entry;
      continue;
    }
    const copy: Json = { ...entry };
    for (const field of ['env', 'headers'] as const) {
      const map = copy[field];
      if (!isObject(map)) continue;
      const kept: Json = {};
      for (const [key, value] of Object.entries(map)) {
        const path = `mcpServers.${upstream}.${field}.${key}`;
        const variable = typeof value === 'string' ? unsetVariable(value, env, path) : undefined;
        if (variable) unset.push({ upstream, secret: `${field}.${key}`, variable, path });
        else kept[key] = value;
      }
      copy[field] = kept;
    }
    if (typeof copy.bearerToken === 'string') {
      const path = `mcpServers.${upstream}.bearerToken`;
      const variable = unsetVariable(copy.bearerToken, env, path);
      if (variable) {
        unset.push({ upstream, secret: 'bearerToken', variable, path });
        delete copy.bearerToken;
      }
    }
    servers[upstream] = copy;
  }
  return { raw: { ...raw, mcpServers: servers }, unset };
}

type UpstreamRow = typeof upstreams.$inferSelect;
type SecretValues = Pick<UpstreamRow, 'env' | 'headers' | 'bearerToken'>;

/**
 * Puts the stored (still encrypted) value of each unset secret into the row values an
 * import writes. A secret the gateway does not hold cannot be kept: that is the error an
 * unset variable always was, saying so.
 */
export function keepStoredSecrets(values: SecretValues, stored: SecretValues | undefined, unset: UnsetSecret[]): KeptSecret[] {
  for (const u of unset) {
    const [field, key] = u.secret.startsWith('bearerToken') ? (['bearerToken', ''] as const) : (u.secret.split(/\.(.*)/s) as ['env' | 'headers', string]);
    const value = field === 'bearerToken' ? stored?.bearerToken : stored?.[field][key];
    if (!value) {
      throw badRequest(
        `${u.path}: environment variable ${u.variable} is not set and the gateway stores no value to keep (set it, or use \${${u.variable}:-default})`,
        'invalid_config',
      );
    }
    if (field === 'bearerToken') values.bearerToken = value;
    else values[field] = { ...values[field], [key]: value };
  }
  return unset.map(({ upstream, secret, variable }) => ({ upstream, secret, variable }));
}
