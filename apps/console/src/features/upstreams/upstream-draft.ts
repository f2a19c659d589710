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
  const ms = timeout(d.timeoutMs);
  if (ms !== undefined) common.timeoutMs = ms;
  if (d.transport === 'stdio') {
    return { ...common, command: d.command.trim(), args: lines(d.args), cwd: d.cwd.trim() || null, env: patchMap(d.env) };
  }
  const patch: UpstreamUpdate = { ...common, url: d.url.trim(), headers: patchMap(d.headers) };
  if (d.bearerToken) patch.bearerToken = d.bearerToken;
  return patch;
}
