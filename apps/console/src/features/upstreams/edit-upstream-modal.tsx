import { type Upstream, upstreamUpdateSchema } from '@switchboard/core/contracts/upstreams';
import { useState } from 'react';
import { useUpdateUpstream } from '../../api/upstreams.ts';
import { FormModal } from '../../components/form-modal.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { draftFrom, toUpdate } from './upstream-draft.ts';
import { UpstreamFields } from './upstream-form.tsx';

/** Edits an upstream; secrets are only sent where they were changed. */
export function EditUpstreamModal({ upstream, onClose, onSaved }: { upstream: Upstream; onClose: () => void; onSaved?: () => void }) {
  const [draft, setDraft] = useState(() => draftFrom(upstream));
  const form = useFormErrors();
  const update = useUpdateUpstream(upstream.id);

  function submit() {
    const patch = form.check(upstreamUpdateSchema, toUpdate(draft));
    if (patch)
      update.mutate(patch, {
        onSuccess: () => {
          onSaved?.();
          onClose();
        },
      });
  }

  return (
    <FormModal title={`Edit ${upstream.name}`} onClose={onClose} wide onSubmit={submit} mutation={update} submitLabel="Save changes" pendingLabel="Saving…">
      <UpstreamFields draft={draft} onChange={setDraft} errors={form.errors} />
    </FormModal>
  );
}
