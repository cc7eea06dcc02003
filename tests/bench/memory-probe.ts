/**
 * Preloaded (`--import`) into a benchmark's server process, run with `--expose-gc` and an IPC
 * channel: watches the process's own memory and answers the benchmark over IPC, so a benchmark can
 * tell memory the code holds from a resident set that grew because garbage was not yet collected.
 *
 * Messages (`{ cmd, ... }`), each answered with `{ cmd, heap, live }` in bytes:
 * - `mark`: collects garbage twice, then starts new peaks from there. With `liveEveryMs`, it also
 *   collects garbage that often until `peak` and keeps the peak of what is left (`live`: what the
 *   code holds). That changes how the process uses memory, so measure the resident set in a pass
 *   without it.
 * - `peak`: the peaks since the last mark: `heap` is V8 heap used + memory held by JS objects
 *   outside it (Buffers), sampled every 10 ms, garbage included; `live` is 0 without `liveEveryMs`.
 */
const collect = (globalThis as { gc?: () => void }).gc;

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

let base = used();
let heap = base;
let live = base;
let collector: NodeJS.Timeout | undefined;

interface Message {
  cmd: 'mark' | 'peak';
  liveEveryMs?: number;
}

if (process.send && collect) {
  const gc = collect;
  setInterval(() => (heap = Math.max(heap, used())), 10).unref();
  process.on('message', (message: Message) => {
    clearInterval(collector);
    collector = undefined;
    if (message.cmd === 'mark') {
      gc();
      gc();
      base = heap = live = used();
      if (message.liveEveryMs) {
        collector = setInterval(() => {
          gc();
          live = Math.max(live, used());
        }, message.liveEveryMs);
      }
      process.send!({ cmd: 'mark', heap, live });
    } else {
      heap = Math.max(heap, used());
      process.send!({ cmd: 'peak', heap, live });
    }
  });
  // The channel must not keep the server alive after SIGTERM.
  process.channel?.unref();
}

export {};
