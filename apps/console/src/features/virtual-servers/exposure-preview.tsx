import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { Panel } from '../../components/panel.tsx';
import type { Exposure } from './exposure.ts';

/** What clients will see, with clashes and invalid names flagged before saving. */
export function ExposurePreview({ exposure, upstreams }: { exposure: Exposure; upstreams: Upstream[] }) {
  const problems = exposure.conflicts.length + exposure.invalid.length;
  return (
    <Panel title="Clients will see" count={exposure.tools.length} description="Tools, as named on this virtual server.">
      <div className="panel-pad">
        {exposure.conflicts.map((c) => (
          <div key={`c-${c.exposedName}`} className="callout bad" role="alert">
            <strong>Conflict:</strong> <code>{c.exposedName}</code> would come from both <code>{c.sources[0]}</code> and <code>{c.sources[1]}</code>. Rename one, or
            prefix names.
          </div>
        ))}
        {exposure.invalid.map((i) => (
          <div key={`i-${i.source}`} className="callout bad" role="alert">
            <code>{i.source}</code> would be exposed as <code>{i.exposedName}</code>, which {i.problem}.
          </div>
        ))}
        {exposure.unlisted.length > 0 && (
          <p className="muted small">
            Not listed yet (checked when they are): {exposure.unlisted.map((id) => upstreams.find((u) => u.id === id)?.name ?? id).join(', ')}
          </p>
        )}
        {exposure.tools.length === 0 && problems === 0 ? (
          <p className="muted">No tools yet.</p>
        ) : (
          // Focusable so keyboard users can scroll it (it scrolls when long).
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
          <ul className="exposed" tabIndex={0} aria-label="Exposed tools">
            {exposure.tools.map((t) => (
              <li key={t.exposedName}>
                <code>{t.exposedName}</code> <span className="muted small">← {t.source}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
