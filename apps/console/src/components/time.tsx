/** A timestamp as "3 min ago", with the exact time on hover. */
export function RelativeTime({ at, empty = 'never' }: { at: string | null | undefined; empty?: string }) {
  if (!at) return <span className="muted">{empty}</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={date.toLocaleString()}>
      {relative(date.getTime(), Date.now())}
    </time>
  );
}

export function relative(then: number, now: number): string {
  const seconds = Math.round((now - then) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const [value, unit] =
    s < 45 ? [0, 'now'] : s < 90 * 60 ? [Math.round(s / 60), 'min'] : s < 36 * 3600 ? [Math.round(s / 3600), 'h'] : [Math.round(s / 86400), 'd'];
  if (unit === 'now') return 'just now';
  return future ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}
