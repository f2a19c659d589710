import { PageHeader } from '../../components/page-header.tsx';
import { ApiTokensPanel } from './api-tokens-panel.tsx';
import { ConfigPanel } from './config-panel.tsx';

export function SettingsPage() {
  return (
    <div className="stack">
      <PageHeader title="Settings" description="API tokens for automation, and the configuration as one JSON document." />
      <ApiTokensPanel />
      <ConfigPanel />
    </div>
  );
}
