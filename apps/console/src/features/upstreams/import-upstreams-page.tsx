import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { type ImportResult, useImportConfigWithWarnings } from '../../api/config-document.ts';
import { upstreamQueries, useRefreshUpstream } from '../../api/upstreams.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { Link } from '@tanstack/react-router';
import { parseMcpServersJson } from './parse-mcp-servers.ts';

const example = `{
  "mcpServers": {
    "everything": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"] },
    "docs": { "type": "http", "url": "https://docs.example.com/mcp",
              "headers": { "Authorization": "Bearer \${DOCS_TOKEN}" } }
  }
}`;

type Progress = Record<string, 'pending' | 'listing' | 'ok' | 'failed'>;

/** Paste a Claude / Cursor / VS Code config: preview, import in one transaction, then connect each. */
export function ImportUpstreamsPage() {
  const [text, setText] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  const summary = result?.summary;
  const [progress, setProgress] = useState<Progress>({});
  const [failures, setFailures] = useState<Record<string, string>>({});
  const parsed = useMemo(() => (text.trim() ? parseMcpServersJson(text) : null), [text]);
  const importConfig = useImportConfigWithWarnings();
  const refresh = useRefreshUpstream();
  const queryClient = useQueryClient();

  async function connectEach(names: string[]) {
    const list = await queryClient.fetchQuery(upstreamQueries.list({ limit: 200 }));
    setProgress(Object.fromEntries(names.map((n) => [n, 'pending'])));
    for (const name of names) {
      const upstream = list.items.find((u) => u.name === name);
      if (!upstream?.enabled) continue;
      setProgress((p) => ({ ...p, [name]: 'listing' }));
      try {
        await refresh.mutateAsync(upstream.id);
        setProgress((p) => ({ ...p, [name]: 'ok' }));
      } catch (error) {
        setProgress((p) => ({ ...p, [name]: 'failed' }));
        setFailures((f) => ({ ...f, [name]: (error as Error).message }));
      }
    }
  }

  function submit() {
    if (!parsed || 'error' in parsed) return;
    importConfig.mutate(
      { document: parsed.document },
      {
        onSuccess: (result) => {
          setResult(result);
          void connectEach(parsed.servers.map((s) => s.name));
        },
      },
    );
  }

  const blocking = parsed && !('error' in parsed) && parsed.problems.length > 0 && !parsed.hasPlaceholders;
  return (
    <div className="stack">
      <PageHeader
        title="Paste an mcpServers JSON"
        back={{ to: '/upstreams', label: 'Upstreams' }}
        description="The same JSON Claude Desktop, Claude Code, Cursor or VS Code use. Servers are matched by name: existing ones are updated. ${VAR} placeholders are filled from the gateway's environment."
      />
      <div className="panel form-panel">
        <label htmlFor="import-json" className="label">
          Configuration JSON
        </label>
        <textarea id="import-json" className="mono code-input" rows={12} value={text} onChange={(e) => setText(e.target.value)} placeholder={example} spellCheck={false} />
        {parsed && 'error' in parsed && (
          <p className="form-error" role="alert">
            {parsed.error}
          </p>
        )}
        {parsed && !('error' in parsed) && (
          <div className="import-preview">
            <h3>{parsed.servers.length} server{parsed.servers.length === 1 ? '' : 's'} found</h3>
            <ul className="plain-list">
              {parsed.servers.map((s) => (
                <li key={s.name}>
                  <strong>{s.name}</strong> <span className="tag">{s.transport}</span> <code className="truncate">{s.target}</code>
                  {progress[s.name] && <span className={`progress-state ${progress[s.name]}`}>{labels[progress[s.name]!]}</span>}
                  {failures[s.name] && <div className="small bad-text">{failures[s.name]}</div>}
                </li>
              ))}
            </ul>
            {parsed.problems.length > 0 && (
              <div className={`callout ${parsed.hasPlaceholders ? 'warn' : 'bad'}`}>
                {parsed.hasPlaceholders ? 'These may resolve once ${VAR} placeholders are filled in on the gateway:' : 'Fix these first:'}
                <ul>
                  {parsed.problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        )}
        <MutationError error={importConfig.error} />
        {summary && (
          <div className="callout ok" role="status">
            Imported: {summary.upstreams.created} upstream{summary.upstreams.created === 1 ? '' : 's'} created, {summary.upstreams.updated} updated.{' '}
            <Link to="/upstreams">View upstreams</Link>
          </div>
        )}
        {result && result.warnings.length > 0 && (
          <div className="callout warn" role="status">
            Imported with warnings:
            <ul>
              {result.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </div>
        )}
        <div className="form-actions">
          <button type="button" className="button primary" disabled={!parsed || 'error' in parsed || Boolean(blocking) || importConfig.isPending} onClick={submit}>
            {importConfig.isPending ? 'Importing…' : 'Import'}
          </button>
        </div>
      </div>
    </div>
  );
}

const labels: Record<Progress[string], string> = { pending: 'Waiting', listing: 'Connecting…', ok: 'Connected', failed: 'Failed' };
