import { Link } from '@tanstack/react-router';
import { DashboardPage } from '../features/dashboard/dashboard-page.tsx';
import { MyServersPage } from '../features/me/my-servers-page.tsx';
import { useConsoleUser } from './console-user.ts';

/** `/`: an administrator's dashboard; anyone else starts on their servers. */
export function HomePage() {
  return useConsoleUser().isAdmin ? <DashboardPage /> : <MyServersPage />;
}

export function NoSuchPage() {
  return (
    <div className="panel state empty">
      <strong>No such page.</strong> <Link to="/">Back to the start</Link>
    </div>
  );
}
