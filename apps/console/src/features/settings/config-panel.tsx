import { type ChangeEvent, useState } from 'react';
import { type ImportSummary, useExportConfig, useImportConfig } from '../../api/config-document.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';

type SummaryRow = [kind: string, counts: ImportSummary[keyof ImportSummary]];

const summaryColumns: Array<Column<SummaryRow>> = [
  { header: 'Kind', cell: ([kind]) => kind },
  { header: 'Created', cell: ([, c]) => c.created },
  { header: 'Updated', cell: ([, c]) => c.updated },
  { header: 'Deleted', cell: ([, c]) => c.deleted },
];

function Summary({ summary }: { summary: ImportSummary }) {
  return <DataTable className="table compact" columns={summaryColumns} rows={Object.entries(summary)} rowKey={([kind]) => kind} />;
}

/** Configuration as code: export the stored configuration, import a document (all or nothing). */
export function ConfigPanel() {
  const exporter = useExportConfig();
  const importer = useImportConfig();
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const [parseError, setParseError] = useState<string | null>(null);

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  }

  function apply() {
    try {
      const document = JSON.parse(text);
      setParseError(null);
      importer.mutate({ document, mode });
    } catch (error) {
      setParseError(`Not valid JSON: ${(error as Error).message}`);
    }
  }

  return (
    <Panel title="Configuration" description="The same JSON document as --config: mcpServers, virtualServers, users, roles, policies. Exports replace secrets with ${VAR} placeholders.">
      <div className="panel-pad stack-sm">
        <div className="row">
          <button type="button" className="button" onClick={() => exporter.mutate()} disabled={exporter.isPending}>
            {exporter.isPending ? 'Exporting…' : 'Download switchboard.json'}
          </button>
          <MutationError error={exporter.error} />
        </div>
        <label htmlFor="config-import" className="label">
          Import a document
        </label>
        <textarea id="config-import" className="mono code-input" rows={8} value={text} onChange={(e) => setText(e.target.value)} placeholder='{ "mcpServers": { … } }' spellCheck={false} />
        <div className="row">
          <input type="file" accept="application/json,.json" onChange={loadFile} aria-label="Load a JSON file" />
          <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)} aria-label="Import mode">
            <option value="merge">Merge: create and update by name</option>
            <option value="replace">Replace: also delete upstreams and servers it does not name</option>
          </select>
          <button type="button" className="button primary" disabled={!text.trim() || importer.isPending} onClick={apply}>
            {importer.isPending ? 'Applying…' : 'Apply'}
          </button>
        </div>
        {parseError && <p className="form-error">{parseError}</p>}
        <MutationError error={importer.error} />
        {importer.data && <Summary summary={importer.data} />}
      </div>
    </Panel>
  );
}
