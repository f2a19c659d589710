import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from './confirm-dialog.tsx';

interface ConfirmButtonProps {
  label: string;
  /** The dialog's question, e.g. "Delete upstream docs?". */
  title: string;
  /** The dialog's confirm button, e.g. "Delete upstream". */
  confirmLabel: string;
  /** What will break (e.g. a <DependentsNote>); only rendered, so only fetched, once the dialog opens. */
  consequences?: ReactNode;
  /** Destructive actions: the name to type before confirming. */
  typeToConfirm?: string;
  /** Runs the action; resolve to close the dialog, reject to keep it open with the error shown. */
  onConfirm: () => Promise<unknown>;
  pending?: boolean;
  error?: ReactNode;
  className?: string;
  /** Accessible name when the label alone is ambiguous in a table row. */
  ariaLabel?: string;
  /** Full size in page headers; small (default) in table rows. */
  large?: boolean;
}

/** A destructive action's button; it opens the console's one confirmation dialog. */
export function ConfirmButton({ label, title, confirmLabel, consequences, typeToConfirm, onConfirm, pending, error, className = '', ariaLabel, large }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={`button ${large ? '' : 'small '}danger ${className}`} disabled={pending} aria-label={ariaLabel} onClick={() => setOpen(true)}>
        {pending ? 'Working…' : label}
      </button>
      {open && (
        <ConfirmDialog
          title={title}
          confirmLabel={confirmLabel}
          typeToConfirm={typeToConfirm}
          pending={pending}
          error={error}
          onCancel={() => setOpen(false)}
          onConfirm={() => {
            onConfirm().then(
              () => setOpen(false),
              () => {}, // the error is shown in the dialog through `error`
            );
          }}
        >
          {consequences}
        </ConfirmDialog>
      )}
    </>
  );
}
