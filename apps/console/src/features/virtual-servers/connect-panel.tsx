import type { VirtualServer } from '@switchboard/core/contracts/virtual-servers';
import { CodeBlock } from '../../components/code-block.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { Panel } from '../../components/panel.tsx';
import { Tabs } from '../../components/tabs.tsx';
import { snippetsFor } from './snippets.ts';

/** The URL of a virtual server and how to add it to each popular MCP client (admin page and My servers). */
export function ConnectPanel({ server }: { server: Pick<VirtualServer, 'name' | 'url' | 'authMode'> }) {
  const snippets = snippetsFor(server.name, server.url, server.authMode);
  return (
    <Panel title="Connect" description="Paste the URL into any MCP client, or use the snippet for yours.">
      <div className="connect">
        <div className="url connect-url">
          <code className="url-text">{server.url}</code>
          <CopyButton text={server.url} label="Copy the server URL" />
        </div>
        <Tabs
          label="MCP clients"
          tabs={snippets.map((s) => ({
            id: s.id,
            label: s.client,
            content: (
              <div className="snippet">
                <div className="muted small">
                  <strong>{s.where}</strong>
                </div>
                {s.warnings.map((w) => (
                  <p key={w} className="callout warn small" role="note">
                    {w}
                  </p>
                ))}
                <CodeBlock code={s.code} label={`Copy the ${s.client} snippet`} />
                <p className="muted small">{s.note}</p>
              </div>
            ),
          }))}
        />
      </div>
    </Panel>
  );
}
