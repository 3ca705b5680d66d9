// A log destination for tests: pino's JSON lines, parsed, and the raw text.
import { Writable } from 'node:stream';

export interface CapturedLog {
  stream: Writable;
  /** Every line written so far, parsed. */
  lines: Array<Record<string, unknown>>;
  /** Everything written so far, as written. */
  raw: () => string;
}

export function captureLog(): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString();
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines, raw: () => raw };
}
