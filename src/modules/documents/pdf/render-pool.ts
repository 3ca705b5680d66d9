/**
 * Render threads for issuing (issue #14 item 2): lays out and writes PDFs on `worker_threads`
 * while the main thread does the database work of the next document. Only rendering moves: a
 * job is plain data (the view, the creation date, the signature field the signer chose, the
 * Factur-X XML), the thread returns the bytes with the field reserved, and the signer fills it on
 * the main thread: signing keys never leave it (docs/DECISIONS.md D17).
 *
 * - `threads: 0` renders in the calling thread (same function, same bytes): small installs, tests.
 * - Threads start on the first job, not at construction, so a process that never issues in bulk
 *   never pays for them; they are unref'd while idle, so they never hold a process open.
 * - A thread that cannot start or dies takes no job down with it: its jobs are rendered in the
 *   calling thread (rendering is pure, so doing one again is safe) and it is not replaced.
 *   An error the renderer throws (a bad view) is a job's error, rethrown with its name and message.
 * - `close()` ends the threads; jobs submitted after it render in the calling thread.
 * The output is byte-for-byte what renderForSigning gives in the calling thread (the renderer is
 * deterministic across processes; render-pool.test.ts compares them).
 */
import { Worker } from 'node:worker_threads';
import { renderForSigning, type RenderedPdf, type RenderJob } from './render-document-pdf.ts';
import type { WorkerReply, WorkerRequest } from './render-worker.ts';

export interface RenderPool {
  /** Renders one job (on a thread when there is one). */
  render(job: RenderJob): Promise<RenderedPdf>;
  /**
   * Renders several jobs on one thread, handed over in one message: waking an idle thread costs
   * far more than the message (on the 2-core reference machine, ~1 ms of the sender's time), so
   * bulk issuing hands its documents over a few at a time. One promise per job, in order.
   */
  renderMany(jobs: readonly RenderJob[]): Array<Promise<RenderedPdf>>;
  /** Ends the threads; waits for them to exit. Idempotent. */
  close(): Promise<void>;
  /** Threads configured, threads running now, jobs rendered in the calling thread because a thread was unavailable. */
  stats(): { threads: number; running: number; fallbacks: number };
}

export interface RenderPoolOptions {
  /** Render threads; 0 renders in the calling thread. */
  threads: number;
  /**
   * A small young generation keeps each thread's memory low: rendering allocates short-lived
   * buffers, which a 4 MiB nursery collects as well as a large one (V8's default grows to 32 MiB+).
   */
  maxYoungGenerationSizeMb?: number;
  /** The worker script; tests point it at a broken file to see the fallback. */
  workerUrl?: URL;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { job: RenderJob; resolve: (r: RenderedPdf) => void; reject: (e: Error) => void }>;
  dead: boolean;
}

const inThread = (job: RenderJob): Promise<RenderedPdf> => {
  try {
    return Promise.resolve(renderForSigning(job));
  } catch (err) {
    return Promise.reject(err as Error);
  }
};

function errorOf(e: { name: string; message: string }): Error {
  const Ctor = ({ RangeError, TypeError, SyntaxError } as Record<string, ErrorConstructor>)[e.name] ?? Error;
  const err = new Ctor(e.message);
  if (err.name !== e.name) err.name = e.name;
  return err;
}

export function createRenderPool(opts: RenderPoolOptions): RenderPool {
  const threads = Math.max(0, Math.floor(opts.threads));
  const workerUrl = opts.workerUrl ?? new URL('./render-worker.ts', import.meta.url);
  let slots: Slot[] | null = null;
  let closed = false;
  let nextId = 1;
  let turn = 0;
  let fallbacks = 0;

  function start(): Slot[] {
    const started: Slot[] = [];
    for (let i = 0; i < threads; i++) {
      let worker: Worker;
      try {
        worker = new Worker(workerUrl, {
          resourceLimits: { maxYoungGenerationSizeMb: opts.maxYoungGenerationSizeMb ?? 4 },
          stdout: false,
          stderr: false,
        });
      } catch {
        continue; // cannot start threads here: the calling thread renders
      }
      const slot: Slot = { worker, pending: new Map(), dead: false };
      worker.unref();
      worker.on('message', (reply: WorkerReply) => {
        const p = slot.pending.get(reply.id);
        if (!p) return;
        slot.pending.delete(reply.id);
        if (slot.pending.size === 0) worker.unref();
        if (!reply.ok) return p.reject(errorOf(reply.error));
        const pdf = Buffer.from(reply.bytes);
        p.resolve(
          reply.byteRange ? { pdf: null, prepared: { pdf, byteRange: reply.byteRange } } : { pdf, prepared: null },
        );
      });
      const lost = () => {
        if (slot.dead) return;
        slot.dead = true;
        // Its jobs are rendered here instead: the caller sees the same result, a little later.
        for (const p of slot.pending.values()) {
          fallbacks++;
          inThread(p.job).then(p.resolve, p.reject);
        }
        slot.pending.clear();
      };
      worker.on('error', lost);
      worker.on('exit', lost);
      started.push(slot);
    }
    return started;
  }

  function renderMany(jobs: readonly RenderJob[]): Array<Promise<RenderedPdf>> {
    if (threads === 0 || closed) return jobs.map(inThread);
    slots ??= start();
    const live = slots.filter((s) => !s.dead);
    if (live.length === 0) {
      fallbacks += jobs.length;
      return jobs.map(inThread);
    }
    // The thread with the fewest jobs waiting (round robin among equals).
    turn = (turn + 1) % live.length;
    let slot = live[turn]!;
    for (const s of live) if (s.pending.size < slot.pending.size) slot = s;
    const items: WorkerRequest['items'] = [];
    const answers = jobs.map((job) => {
      const id = nextId++;
      const attachment = job.attachment && { ...job.attachment, xml: new Uint8Array(job.attachment.xml) };
      items.push({ id, job: { ...job, attachment } });
      return new Promise<RenderedPdf>((resolve, reject) => slot.pending.set(id, { job, resolve, reject }));
    });
    slot.worker.ref(); // jobs in flight keep the process alive until their answers
    try {
      slot.worker.postMessage({ items } satisfies WorkerRequest);
    } catch (err) {
      // The jobs could not be cloned: a caller's error, as in-thread rendering would give.
      for (const { id } of items) {
        slot.pending.get(id)?.reject(err as Error);
        slot.pending.delete(id);
      }
      if (slot.pending.size === 0) slot.worker.unref();
    }
    return answers;
  }

  return {
    render: (job) => renderMany([job])[0]!,
    renderMany,
    async close() {
      closed = true;
      const running = slots ?? [];
      slots = [];
      await Promise.all(
        running.map(async (s) => {
          await s.worker.terminate(); // 'exit' fires: jobs still in flight render in the calling thread
        }),
      );
    },
    stats: () => ({
      threads,
      running: (slots ?? []).filter((s) => !s.dead).length,
      fallbacks,
    }),
  };
}
