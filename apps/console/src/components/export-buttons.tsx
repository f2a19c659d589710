/** What a log can be exported as: spreadsheet rows, or one JSON object per line. */
export type ExportFormat = 'csv' | 'jsonl';

/** The "Export" actions of a log page: everything its filter matches, not only the page shown. */
export function ExportButtons({ busy, onExport }: { busy: boolean; onExport: (format: ExportFormat) => void }) {
  return (
    <>
      <button type="button" className="button" disabled={busy} onClick={() => onExport('csv')}>
        Export CSV
      </button>
      <button type="button" className="button" disabled={busy} onClick={() => onExport('jsonl')}>
        Export JSON Lines
      </button>
    </>
  );
}
