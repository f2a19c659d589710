import type { ReactNode } from 'react';

interface PanelProps {
  title: string;
  description?: ReactNode;
  /** Shown beside the title, e.g. the number of rows. */
  count?: number;
  children: ReactNode;
}

export function Panel({ title, description, count, children }: PanelProps) {
  return (
    <section className="panel">
      <header className="panel-header">
        <h2>
          {title}
          {count !== undefined && <span className="count">{count}</span>}
        </h2>
        {description && <p className="muted">{description}</p>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
