/**
 * A JSON array written a batch at a time: the next batch is read only when the client has taken the last
 * (a pull stream), so an answer of a million items never sits in memory at once. For list answers that
 * have no page (GET /api/events/audit without a limit). Stopping the download stops the reading.
 * A batch that throws (the caller may no longer read: lib/auth/current-caller.ts) errors the stream, so the
 * connection is cut with the array left open: the client sees a broken body, never a closing "]".
 */
export function jsonArrayStream(batches: AsyncGenerator<unknown[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let opened = false;
  let written = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await batches.next();
      let text = opened ? "" : "[";
      opened = true;
      for (const item of next.done ? [] : next.value) text += (written++ === 0 ? "" : ",") + JSON.stringify(item);
      if (next.done) text += "]";
      if (text) controller.enqueue(encoder.encode(text));
      if (next.done) controller.close();
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
