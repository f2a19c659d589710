/** Each named event of a server-sent event stream (`event:`, its `id:` if any, JSON `data:`), as it arrives. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary event shapes
export async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; id?: string; data: any }> {
  let buffer = '';
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop()!;
    for (const block of blocks) {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      const id = /^id: (.*)$/m.exec(block)?.[1];
      if (event && data) yield { event, ...(id === undefined ? {} : { id }), data: JSON.parse(data) };
    }
  }
}
