import { Link, type LinkProps } from '@tanstack/react-router';
import type { ReactNode } from 'react';

interface PageHeaderProps {
  title: ReactNode;
  description?: ReactNode;
  /** A link back up, e.g. from an upstream to the upstreams list. */
  back?: { to: NonNullable<LinkProps['to']>; params?: LinkProps['params']; label: string };
  actions?: ReactNode;
}

export function PageHeader({ title, description, back, actions }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div>
        {back && (
          <Link className="back" to={back.to} params={back.params}>
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
