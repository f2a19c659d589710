import type { RateLimit, RateLimitCreate } from '@switchboard/core/contracts/rate-limits';
import { rateLimitCreateSchema } from '@switchboard/core/contracts/rate-limits';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useCreateRateLimit, useUpdateRateLimit } from '../../api/rate-limits.ts';
import { roleQueries } from '../../api/roles.ts';
import { userQueries } from '../../api/users.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { Check, Field, TextField } from '../../components/field.tsx';
import { FormModal } from '../../components/form-modal.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';

type SubjectType = 'everybody' | 'user' | 'role';
const whole = (text: string) => (text.trim() === '' ? null : Number(text));

/** Creates a rule, or edits `rule`: who, where, which tools, and its rate, quota and concurrency cap. */
export function RateLimitForm({ rule, onClose }: { rule?: RateLimit; onClose: () => void }) {
  const [name, setName] = useState(rule?.name ?? '');
  const [subjectType, setSubjectType] = useState<SubjectType>(rule?.subject?.type ?? 'everybody');
  const [subjectId, setSubjectId] = useState(rule?.subject?.id ?? '');
  const [virtualServerId, setVirtualServerId] = useState(rule?.virtualServerId ?? '');
  const [pattern, setPattern] = useState(rule?.pattern ?? '*');
  const [rateCount, setRateCount] = useState(rule?.rate ? String(rule.rate.count) : '');
  const [ratePer, setRatePer] = useState<'second' | 'minute'>(rule?.rate?.per ?? 'second');
  const [burst, setBurst] = useState(rule?.rate?.burst ? String(rule.rate.burst) : '');
  const [quotaCount, setQuotaCount] = useState(rule?.quota ? String(rule.quota.count) : '');
  const [quotaPer, setQuotaPer] = useState<'hour' | 'day'>(rule?.quota?.per ?? 'day');
  const [concurrency, setConcurrency] = useState(rule?.concurrency ? String(rule.concurrency) : '');
  const [shared, setShared] = useState(rule?.shared ?? false);
  const users = useQuery({ ...userQueries.list({ limit: 200 }), enabled: subjectType === 'user' });
  const roles = useQuery({ ...roleQueries.list(), enabled: subjectType === 'role' });
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const form = useFormErrors();
  const create = useCreateRateLimit();
  const update = useUpdateRateLimit();
  const mutation = rule ? update : create;

  function submit() {
    const rate = whole(rateCount);
    const quota = whole(quotaCount);
    const input = form.check(rateLimitCreateSchema, {
      name: name.trim(),
      subject: subjectType === 'everybody' ? null : { type: subjectType, id: subjectId },
      virtualServerId: virtualServerId || null,
      pattern: pattern.trim() || '*',
      rate: rate === null ? null : { count: rate, per: ratePer, ...(whole(burst) !== null && { burst: whole(burst)! }) },
      quota: quota === null ? null : { count: quota, per: quotaPer },
      concurrency: whole(concurrency),
      shared,
    });
    if (!input) return;
    const done = { onSuccess: onClose };
    if (rule) update.mutate({ id: rule.id, patch: input satisfies RateLimitCreate }, done);
    else create.mutate(input, done);
  }

  const subjects = subjectType === 'user' ? (users.data?.items ?? []).map((u) => ({ id: u.id, label: u.email })) : (roles.data?.items ?? []).map((r) => ({ id: r.id, label: r.name }));
  return (
    <FormModal title={rule ? `Edit rate limit ${rule.name}` : 'New rate limit'} onClose={onClose} className="stack-sm" onSubmit={submit} mutation={mutation} submitLabel={rule ? 'Save' : 'Create rule'} pendingLabel="Saving…">
      <TextField label="Name" error={form.messageFor('name')} value={name} onChange={setName} placeholder="slow-upstream" spellCheck={false} />
      <Field label="Applies to" error={form.messageFor('subject')}>
        {(p) => (
          <select {...p} value={subjectType} onChange={(e) => { setSubjectType(e.target.value as SubjectType); setSubjectId(''); }}>
            <option value="everybody">Everybody</option>
            <option value="user">One user</option>
            <option value="role">The members of a role</option>
          </select>
        )}
      </Field>
      {subjectType !== 'everybody' && (
        <Field label={subjectType === 'user' ? 'User' : 'Role'} error={form.messageFor('subject.id')}>
          {(p) => (
            <select {...p} value={subjectId} onChange={(e) => setSubjectId(e.target.value)}>
              <option value="">Choose…</option>
              {subjects.map((s) => (
                <option key={s.id} value={s.id}>{s.label}</option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label="Virtual server">
        {(p) => (
          <select {...p} value={virtualServerId} onChange={(e) => setVirtualServerId(e.target.value)}>
            <option value="">Every virtual server</option>
            {(servers.data?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </select>
        )}
      </Field>
      <TextField label="Tools" hint='As in policies: "upstream:tool" with * wildcards, e.g. "docs:*"; "*" for every call.' error={form.messageFor('pattern')} value={pattern} onChange={setPattern} spellCheck={false} />
      <div className="form-grid">
        <TextField label="Rate (calls)" hint="Empty: no rate" error={form.messageFor('rate.count') ?? form.messageFor('rate')} inputMode="numeric" value={rateCount} onChange={setRateCount} />
        <Field label="per">
          {(p) => (
            <select {...p} value={ratePer} onChange={(e) => setRatePer(e.target.value as 'second' | 'minute')}>
              <option value="second">second</option>
              <option value="minute">minute</option>
            </select>
          )}
        </Field>
        <TextField label="Burst" hint="At once; default the rate" error={form.messageFor('rate.burst')} inputMode="numeric" value={burst} onChange={setBurst} />
        <TextField label="Calls in flight" hint="Empty: no cap" error={form.messageFor('concurrency')} inputMode="numeric" value={concurrency} onChange={setConcurrency} />
        <TextField label="Quota (calls)" hint="Empty: no quota" error={form.messageFor('quota.count')} inputMode="numeric" value={quotaCount} onChange={setQuotaCount} />
        <Field label="per">
          {(p) => (
            <select {...p} value={quotaPer} onChange={(e) => setQuotaPer(e.target.value as 'hour' | 'day')}>
              <option value="hour">hour</option>
              <option value="day">day</option>
            </select>
          )}
        </Field>
      </div>
      <Check checked={shared} onChange={setShared}>
        One budget shared by everybody it applies to (e.g. protecting a slow upstream), instead of one per person
      </Check>
    </FormModal>
  );
}
