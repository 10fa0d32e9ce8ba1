// A witness for the disk under the decisions bench: a worker thread that writes 8 KB to a file of
// its own and waits for fdatasync, every WITNESS_INTERVAL_MS, and keeps the longest wait. Every
// durable decision waits for a WAL flush on the same disk, so a flush that stalls for 100 ms stalls
// every decision waiting on it; the witness, which shares nothing with PostgreSQL but the disk,
// shows whether a round's latency tail came from the device rather than from the service.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** How often the witness flushes; it adds about 50 flushes a second to the hundreds the load makes. */
export const WITNESS_INTERVAL_MS = 20;

// The file is written in full and flushed once first, and then overwritten in place, as
// PostgreSQL overwrites its recycled WAL segments: an extending write would make each flush
// commit the file system's journal too, and the witness would measure that instead.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { openSync, writeSync, fsyncSync, fdatasyncSync, closeSync } = require('node:fs');
const stats = new Int32Array(workerData.shared);
const pause = new Int32Array(new SharedArrayBuffer(4));
const fd = openSync(workerData.file, 'w');
const page = Buffer.alloc(8192, 1);
const pages = 128;
for (let i = 0; i < pages; i++) writeSync(fd, page, 0, page.length, i * page.length);
fsyncSync(fd);
let next = 0;
while (Atomics.load(stats, 3) === 0) {
  writeSync(fd, page, 0, page.length, next * page.length);
  next = (next + 1) % pages;
  const t0 = performance.now();
  fdatasyncSync(fd);
  const us = Math.round((performance.now() - t0) * 1000);
  Atomics.add(stats, 0, 1);
  // A compare-and-swap, so a window the main thread has just started is not given an older maximum.
  for (let seen = Atomics.load(stats, 1); us > seen; seen = Atomics.load(stats, 1)) {
    if (Atomics.compareExchange(stats, 1, seen, us) === seen) break;
  }
  if (us > 10000) Atomics.add(stats, 2, 1);
  Atomics.wait(pause, 0, 0, ${WITNESS_INTERVAL_MS});
}
closeSync(fd);
`;

export interface DiskWindow { flushes: number; longestMs: number; over10ms: number }

export class DiskWitness {
  /** [flushes, longest µs, flushes over 10 ms, stop flag] since the last take(). */
  readonly #stats = new Int32Array(new SharedArrayBuffer(16));
  readonly #worker: Worker;

  private constructor(readonly dir: string) {
    this.#worker = new Worker(WORKER, { eval: true, workerData: { shared: this.#stats.buffer, file: join(dir, 'flush-witness') } });
  }

  /** Starts the witness in a new directory under `parent` (on the disk it should watch). */
  static start(parent: string): DiskWitness {
    return new DiskWitness(mkdtempSync(join(parent, 'attestant-disk-witness-')));
  }

  /** What the witness saw since the last take(), and starts a new window. */
  take(): DiskWindow {
    return { flushes: Atomics.exchange(this.#stats, 0, 0), longestMs: Atomics.exchange(this.#stats, 1, 0) / 1000, over10ms: Atomics.exchange(this.#stats, 2, 0) };
  }

  #stopped: Promise<void> | undefined;

  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => { rmSync(this.dir, { recursive: true, force: true }); resolve(); });
      Atomics.store(this.#stats, 3, 1);
    });
    return this.#stopped;
  }
}
