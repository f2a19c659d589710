import { useEffect, useState } from 'react';

interface ConfirmButtonProps {
  label: string;
  /** What the second click does, e.g. "Revoke now". */
  confirmLabel?: string;
  onConfirm: () => void;
  pending?: boolean;
  className?: string;
  /** Accessible name when the label alone is ambiguous in a table row. */
  ariaLabel?: string;
  /** Full size in page headers; small (default) in table rows. */
  large?: boolean;
}

/** A destructive action that asks for a second click (reverting after a few seconds). */
export function ConfirmButton({ label, confirmLabel = 'Click to confirm', onConfirm, pending, className = '', ariaLabel, large }: ConfirmButtonProps) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <button
      type="button"
      className={`button ${large ? '' : 'small '}danger ${armed ? 'armed' : ''} ${className}`}
      disabled={pending}
      aria-label={ariaLabel ? `${ariaLabel}${armed ? ' (confirm)' : ''}` : undefined}
      onClick={() => {
        if (armed) {
          setArmed(false);
          onConfirm();
        } else setArmed(true);
      }}
    >
      {pending ? 'Working…' : armed ? confirmLabel : label}
    </button>
  );
}
