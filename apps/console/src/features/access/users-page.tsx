import type { User } from '@switchboard/core/contracts/identity';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { userQueries } from '../../api/users.ts';
import type { Column } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Link } from '../../lib/router.tsx';
import { NewUserModal } from './new-user-modal.tsx';

const columns: Array<Column<User>> = [
  {
    header: 'User',
    cell: (user) => (
      <>
        <Link className="name link" to={`/users/${user.id}`}>
          {user.email}
        </Link>
        <div className="muted small">
          {user.name}
          {user.isAdmin && <span className="pill on">admin</span>}
          {user.disabled && <span className="pill off">disabled</span>}
        </div>
      </>
    ),
  },
  { header: 'Roles', cell: (user) => (user.roles.length ? user.roles.map((r) => <span key={r} className="tag">{r}</span>) : <span className="muted">—</span>) },
  { header: 'Sign-in', className: 'small', cell: (user) => (user.hasPassword ? 'password' : 'identity provider') },
  { header: 'Last sign-in', className: 'small', cell: (user) => <RelativeTime at={user.lastLoginAt} /> },
];

export function UsersPage() {
  const query = useQuery(userQueries.list());
  const [creating, setCreating] = useState(false);
  return (
    <div className="stack">
      <PageHeader
        title="Users"
        description="People who sign in to MCP clients through Switchboard, and the administrators of this console."
        actions={
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            New user
          </button>
        }
      />
      {creating && <NewUserModal onClose={() => setCreating(false)} />}
      <Panel title="All users" count={query.data?.items.length}>
        <ResourceTable
          query={query}
          noun="users"
          empty={
            <>
              <strong>No users yet.</strong> Create one, or let people sign in through an identity provider.
            </>
          }
          columns={columns}
        />
      </Panel>
    </div>
  );
}
