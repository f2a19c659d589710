import { UpstreamError, type UpstreamCredential, type UpstreamSpec } from './types.ts';

/**
 * The spec of one person's connection: the upstream's, with their headers laid over its
 * headers (a name matched case-insensitively, so their `authorization` replaces the
 * shared `Authorization`, and the shared bearer token gives way to theirs) or their env
 * over its env.
 */
export function personalSpec(spec: UpstreamSpec, credential: UpstreamCredential): UpstreamSpec {
  if (spec.transport === 'stdio') {
    if (credential.headers && Object.keys(credential.headers).length > 0 && !credential.env) {
      throw new UpstreamError('upstream_unavailable', `upstream ${spec.name} runs over stdio: a credential in headers cannot reach it`);
    }
    return { ...spec, awaitingCredential: false, perPerson: false, env: { ...spec.env, ...credential.env } };
  }
  const overlay = credential.headers ?? {};
  const replaced = new Set(Object.keys(overlay).map((name) => name.toLowerCase()));
  const kept = Object.fromEntries(Object.entries(spec.headers).filter(([name]) => !replaced.has(name.toLowerCase())));
  return { ...spec, awaitingCredential: false, perPerson: false, headers: { ...kept, ...overlay }, bearerToken: replaced.has('authorization') ? null : spec.bearerToken };
}
