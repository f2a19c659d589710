/** `datetime-local` speaks local time without a zone; the API wants ISO with an offset. */
export const localInputToIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** An ISO instant as a `datetime-local` input shows it (local time, to the minute); '' for none. */
export const isoToLocalInput = (iso?: string) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
