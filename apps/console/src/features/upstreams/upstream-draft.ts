import type { Upstream, UpstreamUpdate } from '@switchboard/core/contracts/upstreams';
import { createMap, patchMap, rowsFromStored, type SecretRow } from '../../components/secret-map-editor.tsx';

/** The upstream form's state: strings as typed, secret maps as rows. */
export interface UpstreamDraft {
  name: string;
  description: string;
  transport: Upstream['transport'];
  command: string;
  /** One argument per line (arguments may contain spaces). */
  args: string;
  cwd: string;
  env: SecretRow[];
  url: string;
  headers: SecretRow[];
  bearerToken: string;
  bearerStored: boolean;
  enabled: boolean;
  connectAtBoot: boolean;
  timeoutMs: string;
  protocol: Upstream['protocol'];
  /** Whose credentials reach the upstream (see "Upstreams that need each person's credentials" in the README). */
  credentialMode: Upstream['credentials']['mode'];
  /** The `${user:NAME}` names the gateway found in the stored headers/env (read-only). */
  userValues: string[];
  /** identity-assertion: header, audience, lifetime in seconds ('' = the default). */
  assertionHeader: string;
  assertionAudience: string;
  assertionLifetime: string;
}

/** The modes this form edits; the others (upstream OAuth, token exchange) keep their own settings and are left alone. */
export const editableModes = ['shared', 'per-user', 'identity-assertion'] as const;
const editable = (mode: string): mode is (typeof editableModes)[number] => (editableModes as readonly string[]).includes(mode);

const PLACEHOLDER = /\$\{user:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The per-person names the draft uses: those stored, plus those in values typed now. */
export function declaredNames(d: Pick<UpstreamDraft, 'userValues' | 'transport' | 'env' | 'headers'>): string[] {
  const rows = d.transport === 'stdio' ? d.env : d.headers;
  const typed = rows.flatMap((r) => [...r.value.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  return [...new Set([...d.userValues, ...typed])];
}

/** The `credentials` of a create or update body; undefined for a mode this form does not edit. */
function credentialsOf(d: UpstreamDraft): Record<string, unknown> | undefined {
  if (!editable(d.credentialMode)) return undefined;
  if (d.credentialMode !== 'identity-assertion') return { mode: d.credentialMode };
  const lifetime = d.assertionLifetime.trim();
  return {
    mode: 'identity-assertion',
    ...(d.assertionHeader.trim() && { header: d.assertionHeader.trim() }),
    ...(d.assertionAudience.trim() && { audience: d.assertionAudience.trim() }),
    ...(lifetime && { lifetimeSeconds: Number(lifetime) }),
  };
}

export const emptyDraft = (): UpstreamDraft => ({
  name: '',
  description: '',
  transport: 'stdio',
  command: '',
  args: '',
  cwd: '',
  env: [],
  url: '',
  headers: [],
  bearerToken: '',
  bearerStored: false,
  enabled: true,
  connectAtBoot: false,
  timeoutMs: '60000',
  protocol: 'auto',
  credentialMode: 'shared',
  userValues: [],
  assertionHeader: '',
  assertionAudience: '',
  assertionLifetime: '',
});

export function draftFrom(u: Upstream): UpstreamDraft {
  return {
    name: u.name,
    description: u.description ?? '',
    transport: u.transport,
    command: u.command ?? '',
    args: u.args.join('\n'),
    cwd: u.cwd ?? '',
    env: rowsFromStored(u.env),
    url: u.url ?? '',
    headers: rowsFromStored(u.headers),
    bearerToken: '',
    bearerStored: u.bearerToken.hasValue,
    enabled: u.enabled,
    connectAtBoot: u.connectAtBoot,
    timeoutMs: String(u.timeoutMs),
    protocol: u.protocol,
    credentialMode: u.credentials.mode,
    userValues: u.credentials.userValues,
    assertionHeader: String(u.credentials.options.header ?? ''),
    assertionAudience: String(u.credentials.options.audience ?? ''),
    assertionLifetime: u.credentials.options.lifetimeSeconds === undefined ? '' : String(u.credentials.options.lifetimeSeconds),
  };
}

/**
 * Whether the protocol setting applies: legacy SSE upstreams are 2025-era whatever it says,
 * so the form neither shows nor sends it for them (the stored value stays as it was).
 */
export const pinnable = (d: Pick<UpstreamDraft, 'transport'>) => d.transport !== 'sse';

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);
const timeout = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The body of `POST /upstreams` (and `/upstreams/test`), before validation. */
export function toCreate(d: UpstreamDraft): Record<string, unknown> {
  const common = {
    name: d.name.trim(),
    description: d.description.trim() || null,
    enabled: d.enabled,
    connectAtBoot: d.connectAtBoot,
    timeoutMs: timeout(d.timeoutMs),
    protocol: pinnable(d) ? d.protocol : undefined,
    credentials: credentialsOf(d),
  };
  if (d.transport === 'stdio') {
    return { ...common, transport: 'stdio', command: d.command.trim(), args: lines(d.args), cwd: d.cwd.trim() || null, env: createMap(d.env) };
  }
  return { ...common, transport: d.transport, url: d.url.trim(), headers: createMap(d.headers), bearerToken: d.bearerToken || null };
}

/** The body of `PATCH /upstreams/{id}`: fields of the transport, secrets only where changed. */
export function toUpdate(d: UpstreamDraft): UpstreamUpdate {
  const common: UpstreamUpdate = {
    name: d.name.trim(),
    description: d.description.trim() || null,
    enabled: d.enabled,
    connectAtBoot: d.connectAtBoot,
    transport: d.transport,
  };
  if (pinnable(d)) common.protocol = d.protocol;
  const credentials = credentialsOf(d);
  if (credentials) common.credentials = credentials as UpstreamUpdate['credentials'];
  const ms = timeout(d.timeoutMs);
  if (ms !== undefined) common.timeoutMs = ms;
  if (d.transport === 'stdio') {
    return { ...common, command: d.command.trim(), args: lines(d.args), cwd: d.cwd.trim() || null, env: patchMap(d.env) };
  }
  const patch: UpstreamUpdate = { ...common, url: d.url.trim(), headers: patchMap(d.headers) };
  if (d.bearerToken) patch.bearerToken = d.bearerToken;
  return patch;
}
