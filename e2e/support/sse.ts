/** The JSON-RPC messages of a `text/event-stream` body, in order (multi-line `data:` joined). */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary message shapes
export function sseMessages<T = any>(text: string): T[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter(Boolean)
    .map((data) => JSON.parse(data) as T);
}
