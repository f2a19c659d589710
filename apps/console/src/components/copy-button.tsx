import { useEffect, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

const labels: Record<CopyState, string> = { idle: 'Copy', copied: 'Copied', failed: 'Copy failed' };

/** Copies `text` to the clipboard (needs https or localhost); says so for two seconds. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <button
      type="button"
      className={`button small copy ${state}`}
      onClick={copy}
      aria-label={`${label}: ${labels[state]}`}
      title={state === 'failed' ? 'The browser refused; select the text and copy it by hand' : undefined}
    >
      {labels[state]}
    </button>
  );
}
