import { Link, type LinkProps } from '@tanstack/react-router';

type Section = { title: string; links: Array<{ to: NonNullable<LinkProps['to']>; label: string }> };

/** Every person's own pages. */
const mine = (home: '/' | '/my-servers'): Section => ({
  title: 'Me',
  links: [
    { to: home, label: 'My servers' },
    { to: '/connections', label: 'My connections' },
    { to: '/keys', label: 'My keys' },
  ],
});

const adminSections: Section[] = [
  { title: 'Overview', links: [{ to: '/', label: 'Dashboard' }] },
  {
    title: 'Federation',
    links: [
      { to: '/upstreams', label: 'Upstreams' },
      { to: '/virtual-servers', label: 'Virtual servers' },
      { to: '/playground', label: 'Playground' },
    ],
  },
  {
    title: 'Access',
    links: [
      { to: '/users', label: 'Users' },
      { to: '/roles', label: 'Roles' },
      { to: '/rate-limits', label: 'Rate limits' },
      { to: '/access', label: 'Access preview' },
      { to: '/clients', label: 'OAuth clients' },
      { to: '/identity-providers', label: 'Identity providers' },
    ],
  },
  {
    title: 'Operations',
    links: [
      { to: '/audit', label: 'Audit log' },
      { to: '/admin-changes', label: 'Admin changes' },
      { to: '/settings', label: 'Settings' },
    ],
  },
];

export function Sidebar({ isAdmin }: { isAdmin: boolean }) {
  // Administration is not offered to other people (the admin API refuses them anyway).
  const sections = isAdmin ? [...adminSections, mine('/my-servers')] : [mine('/')];
  return (
    <nav className="sidebar" id="console-nav" aria-label="Console">
      {sections.map((section) => (
        <div key={section.title} className="nav-section">
          <div className="nav-title">{section.title}</div>
          {section.links.map((link) => (
            // active (aria-current="page") on the page and the pages below it; `/` only on itself
            <Link key={link.to} to={link.to} className="nav-link" activeProps={{ className: 'active' }} activeOptions={{ exact: link.to === '/', includeSearch: false }}>
              {link.label}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}
