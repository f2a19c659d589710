/**
 * An export download (the audit trails): the lines streamed as they are read, as JSON
 * Lines or CSV, as an attachment named `<name>.jsonl|csv`.
 */
export function exportResponse(lines: AsyncGenerator<string>, format: 'jsonl' | 'csv', name: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const csv = format === 'csv';
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.${csv ? 'csv' : 'jsonl'}"`,
      'cache-control': 'no-store',
    },
  });
}
