/**
 * Backpressure for the streamed exports: a download is made only as fast as the client takes it,
 * so a year of rows, or its compressed spreadsheet, never piles up in the server's memory.
 */
import type { Writable } from 'node:stream';

const encoder = new TextEncoder();

/**
 * A download body that asks `chunks` for its next piece only when its reader wants more (the HTTP
 * response after its socket drained): nothing is read ahead but the one piece the stream holds.
 * A failure of `chunks` errors the stream (`failed` gives the reason), so the download is cut short
 * and cannot pass for complete; a reader that cancels (the client went away) stops `chunks`.
 */
export function pullStream(chunks: AsyncGenerator<string | Uint8Array, unknown>, failed: (error: unknown) => Error): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(typeof next.value === 'string' ? encoder.encode(next.value) : next.value);
        } catch (error) {
          controller.error(failed(error));
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * A writable stream as far as waiting on it goes: Node's, or the readable-stream 2 copy inside
 * exceljs's zip (archiver), which knows its backpressure only as `_writableState.needDrain`.
 */
interface Sink {
  on(event: string, listener: (error?: Error) => void): unknown;
  off(event: string, listener: (error?: Error) => void): unknown;
  destroyed?: boolean;
  writableNeedDrain?: boolean;
  writableLength?: number;
  _writableState?: { needDrain?: boolean; length?: number };
}

const isSink = (s: unknown): s is Sink =>
  typeof s === 'object' && s !== null && typeof (s as Sink).on === 'function' && typeof (s as Sink).off === 'function' && ('writableNeedDrain' in s || '_writableState' in s);

const buffered = (s: Sink) => s.writableLength ?? s._writableState?.length ?? 0;
const needsDrain = (s: Sink) => !s.destroyed && (s.writableNeedDrain ?? s._writableState?.needDrain ?? false);

/** Resolves when `stream` takes more, or is closed (then nothing waits for it any more); rejects if it fails. */
function drained(stream: Sink): Promise<void> {
  if (!needsDrain(stream)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('drain', onRoom);
      stream.off('close', onRoom);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onRoom = () => done();
    stream.on('drain', onRoom);
    stream.on('close', onRoom);
    stream.on('error', done);
  });
}

/**
 * The writables an exceljs streaming worksheet feeds. Its sheet stream (a StreamBuf) writes into
 * them, on the way to the zip's deflate, without heeding their backpressure, so rows committed
 * faster than deflate and the client take them would pile up there: these are what to wait on.
 * Empty if exceljs is ever built otherwise (then only the output is waited on).
 */
function sheetSinks(sheet: unknown): Sink[] {
  const pipes = (sheet as { stream?: { pipes?: unknown } } | null)?.stream?.pipes;
  return Array.isArray(pipes) ? pipes.filter(isSink) : [];
}

/**
 * At most this many bytes of sheet XML wait before the zip's deflate: enough that building rows and
 * compressing them overlap, little enough that a year of rows never piles up.
 */
const SHEET_BUDGET = 1 << 20;

/**
 * Waits until the streamed workbook takes more rows: until the stream between `sheet` (from
 * exceljs's WorkbookWriter) and the zip's deflate is back under SHEET_BUDGET, and `out` (the
 * download) has room. The zip buffers up to a MB of its own output before it stops taking more,
 * so `out` filling up is what tells first that the client reads slower than rows are made. False
 * once `out` is closed: the client went away, stop writing.
 */
export async function xlsxRoom(sheet: unknown, out: Writable): Promise<boolean> {
  const sinks = sheetSinks(sheet);
  if (sinks.some((s) => buffered(s) > SHEET_BUDGET)) {
    // Back under half the budget, so rows are made while deflate still has the rest to do. The
    // stream tells when it is empty ('drain'), not when it is half so: look every few ms.
    while (!out.destroyed && sinks.some((s) => !s.destroyed && buffered(s) > SHEET_BUDGET / 2)) await new Promise((r) => setTimeout(r, 5));
  }
  await drained(out);
  return !out.destroyed;
}
