import type { ConnectionTest } from '../../api/upstreams.ts';

/** What `POST /upstreams/test` found: connected (and what it offers) or why not. */
export function ConnectionTestResult({ result }: { result: ConnectionTest }) {
  if (!result.ok) {
    return (
      <div className="callout bad" role="status">
        <strong>Could not connect</strong> ({result.ms} ms): {result.error}
      </div>
    );
  }
  const server = result.serverInfo as { name?: string; version?: string } | null;
  return (
    <div className="callout ok" role="status">
      <strong>Connected</strong> in {result.ms} ms
      {server?.name && (
        <>
          {' '}
          to <code>
            {server.name}
            {server.version ? ` ${server.version}` : ''}
          </code>
        </>
      )}
      {result.protocolVersion && <> (protocol {result.protocolVersion})</>}: {result.tools.length} tools, {result.resources} resources,{' '}
      {result.prompts} prompts.
      {result.tools.length > 0 && (
        <div className="chips">
          {result.tools.slice(0, 40).map((t) => (
            <span key={t} className="chip">
              {t}
            </span>
          ))}
          {result.tools.length > 40 && <span className="muted small">and {result.tools.length - 40} more</span>}
        </div>
      )}
    </div>
  );
}
