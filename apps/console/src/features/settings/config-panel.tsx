import { type ChangeEvent, useState } from 'react';
import { type ImportSummary, useExportConfig, useImportConfig, useImportPreview } from '../../api/config-document.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { deletionCount, ImportDiff } from './import-diff.tsx';

type Mode = 'merge' | 'replace';

/**
 * Configuration as code: export the stored configuration, import a document (all or
 * nothing). An import is previewed first (a dry run) and applied only after that, with a
 * confirmation when it deletes anything.
 */
export function ConfigPanel() {
  const exporter = useExportConfig();
  const preview = useImportPreview();
  const importer = useImportConfig();
  const [text, setText] = useState('');
  const [mode, setMode] = useState<Mode>('merge');
  const [parseError, setParseError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [applied, setApplied] = useState<ImportSummary | null>(null);

  // Any edit makes the preview stale: it must be made again before applying.
  const edited = () => {
    preview.reset();
    importer.reset();
    setApplied(null);
  };

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) {
      setText(await file.text());
      edited();
    }
  }

  function parse(): unknown {
    try {
      const document = JSON.parse(text);
      setParseError(null);
      return document;
    } catch (error) {
      setParseError(`Not valid JSON: ${(error as Error).message}`);
      return undefined;
    }
  }

  function runPreview() {
    const document = parse();
    if (document !== undefined) preview.mutate({ document: document as never, mode });
  }

  function apply() {
    const document = parse();
    if (document === undefined) return Promise.resolve();
    return importer.mutateAsync({ document: document as never, mode }).then((summary) => {
      setApplied(summary);
      preview.reset();
      setConfirming(false);
    });
  }

  const deletions = preview.data ? deletionCount(preview.data) : 0;
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
        <textarea
          id="config-import"
          className="mono code-input"
          rows={8}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            edited();
          }}
          placeholder='{ "mcpServers": { … } }'
          spellCheck={false}
        />
        <div className="row">
          <input type="file" accept="application/json,.json" onChange={loadFile} aria-label="Load a JSON file" />
          <select
            value={mode}
            onChange={(e) => {
              setMode(e.target.value as Mode);
              edited();
            }}
            aria-label="Import mode"
          >
            <option value="merge">Merge: create and update by name</option>
            <option value="replace">Replace: also delete upstreams and servers it does not name</option>
          </select>
          <button type="button" className="button" disabled={!text.trim() || preview.isPending} onClick={runPreview}>
            {preview.isPending ? 'Checking…' : 'Preview changes'}
          </button>
        </div>
        {parseError && <p className="form-error">{parseError}</p>}
        <MutationError error={preview.error} />
        {preview.data && (
          <div className="callout stack-sm">
            <strong>Preview: nothing has been applied yet.</strong>
            <ImportDiff summary={preview.data} />
            <div className="row">
              <button
                type="button"
                className={`button ${deletions ? 'danger armed' : 'primary'}`}
                disabled={importer.isPending}
                onClick={() => (deletions ? setConfirming(true) : void apply().catch(() => {}))}
              >
                {importer.isPending ? 'Applying…' : deletions ? `Apply and delete ${deletions}` : 'Apply these changes'}
              </button>
            </div>
          </div>
        )}
        {!confirming && <MutationError error={importer.error} />}
        {applied && (
          <div className="callout ok stack-sm" role="status">
            <strong>Applied.</strong>
            <ImportDiff summary={applied} />
          </div>
        )}
        {confirming && preview.data && (
          <ConfirmDialog
            title={`Delete ${deletions} object${deletions === 1 ? '' : 's'}?`}
            confirmLabel="Apply and delete"
            typeToConfirm="replace"
            pending={importer.isPending}
            error={<MutationError error={importer.error} />}
            onCancel={() => setConfirming(false)}
            onConfirm={() => void apply().catch(() => {})}
          >
            <p>This replace deletes what the document does not name:</p>
            <ul className="consequences">
              {preview.data.changes
                .filter((c) => c.action === 'deleted')
                .map((c) => (
                  <li key={`${c.kind}:${c.name}`}>
                    {c.kind === 'upstream' ? 'upstream' : 'virtual server'} <strong>{c.name}</strong>
                  </li>
                ))}
            </ul>
          </ConfirmDialog>
        )}
      </div>
    </Panel>
  );
}
