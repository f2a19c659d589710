import type { AuditEvent } from '@switchboard/core/contracts/audit-events';

/** JSON-RPC's own codes, by name (the audit trail stores `rpc_<code>`). */
const rpcNames: Record<string, string> = {
  '-32700': 'parse error',
  '-32600': 'invalid request',
  '-32601': 'method not found',
  '-32602': 'invalid arguments',
  '-32603': 'internal error of the upstream',
  '-32001': 'request timed out',
  '-32042': 'the person must connect their account first',
};

const codes: Record<string, string> = {
  policy: 'hidden from this person by an access rule',
  not_found: 'no such name on this virtual server',
  timeout: 'the upstream did not answer in time',
  cancelled: 'cancelled by the client',
  unavailable: 'the upstream was unavailable (see its status for the cause)',
  internal: 'the gateway failed to handle the call',
};

/** The text a tool put in its error result, when the server stores results (auditPayloads). */
function toolErrorText(result: unknown): string | undefined {
  const content = (result as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return undefined;
  const text = content
    .filter((c): c is { type: 'text'; text: string } => c?.type === 'text' && typeof c.text === 'string')
    .map((c) => c.text)
    .join(' ')
    .trim();
  return text ? (text.length > 200 ? `${text.slice(0, 199)}…` : text) : undefined;
}

/**
 * What went wrong with a call, in words, for the row of the audit log. The trail stores a
 * stable code, never a message (messages can carry data); a tool's own error text is shown
 * only where the server stores results.
 */
export function errorDetail(event: Pick<AuditEvent, 'outcome' | 'errorCode' | 'result'>): string | null {
  if (event.outcome === 'ok') return null;
  if (event.outcome === 'tool_error') return toolErrorText(event.result) ?? 'the tool answered with an error';
  const code = event.errorCode;
  if (!code) return null;
  if (code.startsWith('rpc_')) {
    const number = code.slice(4);
    return `${rpcNames[number] ?? 'the upstream answered an error'} (JSON-RPC ${number})`;
  }
  return codes[code] ?? code.replaceAll('_', ' ');
}

/** 7 ms, 1.2 s, 2 min 5 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
