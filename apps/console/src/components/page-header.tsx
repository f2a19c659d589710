import type { ReactNode } from 'react';
import { Link } from '../lib/router.tsx';

interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  /** A link back up, e.g. from an upstream to the upstreams list. */
  back?: { to: string; label: string };
  actions?: ReactNode;
}

export function PageHeader({ title, description, back, actions }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div>
        {back && (
          <Link className="back" to={back.to}>
            ← {back.label}
          </Link>
        )}
        <h1>{title}</h1>
        {description && <p className="muted">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
