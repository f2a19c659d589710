import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

/** How long the confirm button stays disabled after the dialog opens: longer than a double-click. */
export const ARM_DELAY_MS = 800;

export interface ConfirmDialogProps {
  /** A question naming the object, e.g. "Delete upstream docs?". */
  title: string;
  /** What will break; rendered above the buttons. */
  children?: ReactNode;
  /** The confirm button's text, e.g. "Delete upstream". */
  confirmLabel: string;
  /** For destructive actions: the person must type this (usually the object's name) first. */
  typeToConfirm?: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  /** Shown in the dialog when the action failed (it stays open). */
  error?: ReactNode;
  armDelayMs?: number;
}

/** Whether the confirm button may be pressed now. */
export function canConfirm(state: { armed: boolean; pending?: boolean; typed: string; typeToConfirm?: string }): boolean {
  if (!state.armed || state.pending) return false;
  return state.typeToConfirm === undefined || state.typed.trim() === state.typeToConfirm;
}

/**
 * The one confirmation of the console. It cannot be satisfied by the gesture that opened
 * it: its confirm button is disabled for a moment after opening, focus starts on Cancel
 * (so Enter or a second click of a double-click does not confirm), and destructive actions
 * ask for the object's name to be typed.
 */
export function ConfirmDialog({ title, children, confirmLabel, typeToConfirm, onConfirm, onCancel, pending, error, armDelayMs = ARM_DELAY_MS }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [armed, setArmed] = useState(false);
  const [typed, setTyped] = useState('');
  const inputId = useId();
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    // jsdom has no showModal; browsers do (focus trap, Escape, backdrop).
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    cancelRef.current?.focus();
    const timer = setTimeout(() => setArmed(true), armDelayMs);
    return () => clearTimeout(timer);
  }, [armDelayMs]);

  const ready = canConfirm({ armed, pending, typed, typeToConfirm });
  // In document.body: it may be opened from inside a form or a table cell.
  return createPortal(
    <dialog
      ref={ref}
      className="modal confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <header className="modal-header">
        <h2 id={titleId}>{title}</h2>
      </header>
      <form
        className="modal-body"
        onSubmit={(event) => {
          event.preventDefault();
          event.stopPropagation(); // React events bubble through portals to an enclosing form
          if (ready) onConfirm();
        }}
      >
        {children && <div className="confirm-consequences">{children}</div>}
        {typeToConfirm !== undefined && (
          <div className="field">
            <label htmlFor={inputId}>
              Type <strong className="mono">{typeToConfirm}</strong> to confirm
            </label>
            <input id={inputId} className="mono" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
          </div>
        )}
        {error}
        <div className="row confirm-actions">
          <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button danger armed" disabled={!ready}>
            {pending ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>,
    document.body,
  );
}
