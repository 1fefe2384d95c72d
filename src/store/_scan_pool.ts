/**
 * Reads log files in a worker (_scan_worker.ts) while the calling thread
 * writes the index, handing the chunks over in order.
 */
import { fsError } from "./_fs_error.ts";
import type { ScanChunk, ScanRequest } from "./_scan_file.ts";

/** How many bytes of files the worker may read ahead of what is written. */
const AHEAD = 96 << 20;

/**
 * Reads the files of `requests` in a worker and hands their chunks to
 * `handle` in order. The worker reads up to {@linkcode AHEAD} bytes ahead,
 * so it keeps reading while this thread writes a batch.
 */
export async function scanInWorker(
  requests: ScanRequest[],
  sizes: number[],
  handle: (chunk: ScanChunk) => void,
): Promise<void> {
  const worker = new Worker(
    new URL("./_scan_worker.ts", import.meta.url).href,
    {
      type: "module",
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let done = 0;
      let ahead = 0;
      const feed = () => {
        const start = sent;
        while (sent < requests.length && (ahead < AHEAD || sent === start)) {
          ahead += sizes[sent]! + 4096;
          sent++;
        }
        if (sent > start) worker.postMessage(requests.slice(start, sent));
      };
      worker.onmessage = (
        event: MessageEvent<ScanChunk & { error?: string }>,
      ) => {
        const chunk = event.data;
        if (chunk.error !== undefined) {
          const r = requests[chunk.seq]!;
          return reject(
            fsError(
              `Cannot read the chat log "${r.folder}/${r.name}"`,
              new Error(chunk.error),
            ),
          );
        }
        try {
          handle(chunk);
        } catch (err) {
          return reject(err);
        }
        if (chunk.final || chunk.gone) {
          done++;
          ahead -= sizes[chunk.seq]! + 4096;
          if (done === requests.length) resolve();
          else if (ahead < AHEAD / 2) feed();
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`The log reader stopped: ${event.message}`));
      };
      if (requests.length === 0) resolve();
      else feed();
    });
  } finally {
    worker.terminate();
  }
}
