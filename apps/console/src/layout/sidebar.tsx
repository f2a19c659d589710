import { Link, useLocation } from '../lib/router.tsx';

const sections: Array<{ title: string; links: Array<{ to: string; label: string }> }> = [
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

const isActive = (to: string, pathname: string) => (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`));

export function Sidebar() {
  const { pathname } = useLocation();
  return (
    <nav className="sidebar" id="console-nav" aria-label="Console">
      {sections.map((section) => (
        <div key={section.title} className="nav-section">
          <div className="nav-title">{section.title}</div>
          {section.links.map((link) => (
            <Link
              key={link.to}
              to={link.to}
              className={`nav-link${isActive(link.to, pathname) ? ' active' : ''}`}
              aria-current={isActive(link.to, pathname) ? 'page' : undefined}
            >
              {link.label}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}
