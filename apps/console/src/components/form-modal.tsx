import type { ReactNode } from 'react';
import { Modal } from './modal.tsx';
import { MutationError } from './query-state.tsx';

interface FormModalProps {
  title: string;
  onClose: () => void;
  /** Wider body for editors. */
  wide?: boolean;
  /** Classes of the form, e.g. "stack-sm". */
  className?: string;
  /** Called on submit (the browser's own submit and validation are off). */
  onSubmit: () => void;
  /** The save in flight: disables the button and shows its error. */
  mutation: { isPending: boolean; error: Error | null };
  submitLabel: string;
  /** The button's text while saving, e.g. "Saving…". */
  pendingLabel: string;
  children: ReactNode;
}

/** A form in a modal dialog, ending with the save's error and Cancel / submit buttons. */
export function FormModal({ title, onClose, wide, className, onSubmit, mutation, submitLabel, pendingLabel, children }: FormModalProps) {
  return (
    <Modal title={title} onClose={onClose} wide={wide}>
      <form
        className={className}
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
        noValidate
      >
        {children}
        <MutationError error={mutation.error} />
        <div className="form-actions">
          <button type="button" className="button ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={mutation.isPending}>
            {mutation.isPending ? pendingLabel : submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
