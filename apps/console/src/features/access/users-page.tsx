import type { User } from '@switchboard/core/contracts/identity';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { userQueries } from '../../api/users.ts';
import type { Column } from '../../components/data-table.tsx';
import { ListSearch } from '../../components/list-search.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Pager } from '../../components/pager.tsx';
import { Panel } from '../../components/panel.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Link } from '@tanstack/react-router';
import { useListSearch } from '../../lib/use-list-search.ts';
import { NewUserModal } from './new-user-modal.tsx';

const columns: Array<Column<User>> = [
  {
    header: 'User',
    cell: (user) => (
      <>
        <Link className="name link" to="/users/$id" params={{ id: user.id }}>
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

/** Every user, a page at a time (the API's cursor), searched on the server as one types. */
export function UsersPage() {
  const list = useListSearch();
  const query = useQuery({ ...userQueries.list(list.params), placeholderData: keepPreviousData });
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
      <Panel title={list.q ? `Users matching “${list.q}”` : 'All users'}>
        <ListSearch label="Search users" value={list.search} onChange={list.setSearch} placeholder="Part of an email or name" />
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
        <Pager page={list.pages.page} nextCursor={query.data?.nextCursor} onNext={list.pages.next} onPrevious={list.pages.previous} noun="users" />
      </Panel>
    </div>
  );
}
