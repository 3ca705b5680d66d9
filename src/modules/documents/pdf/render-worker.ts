// A render thread (render-pool.ts): takes plain render jobs, lays out and writes the PDF with its
// signature field reserved, and hands the bytes back. It never sees a key: the signer stays on the
// main thread and fills the field there.
import { parentPort } from 'node:worker_threads';
import { renderForSigning, type RenderJob } from './render-document-pdf.ts';
import type { PdfAttachment } from './pdf-pdfa.ts';

/** What the pool posts: jobs, each with its attachment's XML as bytes (structured clone gives a Uint8Array). */
export interface WorkerRequest {
  items: Array<{
    id: number;
    job: Omit<RenderJob, 'attachment'> & { attachment: (Omit<PdfAttachment, 'xml'> & { xml: Uint8Array }) | null };
  }>;
}
export type WorkerReply =
  | { id: number; ok: true; bytes: ArrayBuffer; byteRange: [0, number, number, number] | null }
  | { id: number; ok: false; error: { name: string; message: string } };

/** `buf` as an ArrayBuffer of its own (transferable), copying only when it is a view into a larger one. */
function ownBuffer(buf: Buffer): ArrayBuffer {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer)
    return buf.buffer;
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return copy;
}

const port = parentPort;
if (port) {
  // Each job is answered as soon as it is rendered, so the pool signs the first while this renders the next.
  const renderOne = ({ id, job }: WorkerRequest['items'][number]) => {
    let reply: WorkerReply;
    try {
      const attachment = job.attachment && {
        ...job.attachment,
        xml: Buffer.from(job.attachment.xml.buffer, job.attachment.xml.byteOffset, job.attachment.xml.byteLength),
      };
      const r = renderForSigning({ ...job, attachment });
      const pdf = r.pdf ?? r.prepared.pdf;
      reply = { id, ok: true, bytes: ownBuffer(pdf), byteRange: r.prepared ? [...r.prepared.byteRange] : null };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { id, ok: false, error: { name: e.name, message: e.message } };
    }
    port.postMessage(reply, reply.ok ? [reply.bytes] : []);
  };
  port.on('message', ({ items }: WorkerRequest) => {
    for (const item of items) renderOne(item);
  });
}
