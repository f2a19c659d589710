interface PagerProps {
  page: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  /** What is paged, for the buttons' accessible names ("users"). */
  noun: string;
  /** A log, newest first: the buttons say "Newer" and "Older". */
  newestFirst?: boolean;
}

/** Previous / next through a cursor-paged list. */
export function Pager({ page, nextCursor, onNext, onPrevious, noun, newestFirst = false }: PagerProps) {
  const labels = newestFirst ? { previous: 'Newer', next: 'Older' } : { previous: 'Previous', next: 'Next' };
  if (page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`}>
      <button type="button" className="button small" disabled={page === 1} onClick={onPrevious}>
        ← {labels.previous}
      </button>
      <span className="muted small">Page {page}</span>
      <button type="button" className="button small" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>
        {labels.next} →
      </button>
    </nav>
  );
}
