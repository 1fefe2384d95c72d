/**
 * The worker that reads log files for an index build (see _scan_file.ts)
 * while the main thread writes SQLite: requests in, chunks out, in order.
 */
/// <reference lib="deno.worker" />
import { type ScanChunk, scanFile, type ScanRequest } from "./_scan_file.ts";

self.onmessage = (event: MessageEvent<ScanRequest[]>) => {
  for (const request of event.data) {
    try {
      scanFile(request, (chunk: ScanChunk) => {
        self.postMessage(chunk, [chunk.nums.buffer as ArrayBuffer]);
      });
    } catch (err) {
      self.postMessage({ seq: request.seq, error: String(err) });
    }
  }
};
