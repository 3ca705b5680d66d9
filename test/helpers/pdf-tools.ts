// Reading PDFs with poppler's own tools, never our code: the text as pdftotext lays it out, and
// pdfsig's verdict on the signatures. Callers guard with itNeeds(['pdftotext'] / ['pdfsig']).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function withPdfFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pdftotext -layout; no-break spaces (U+00A0, U+202F) stay as they are, and \s matches them. */
export const pdfText = (pdf: Buffer): string =>
  withPdfFile(pdf, (f) => execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' }));

/** pdfsig's whole report (stdout and stderr): "Signature is Valid." for a good signature. */
export const pdfsig = (pdf: Buffer): string =>
  withPdfFile(pdf, (f) => {
    const r = spawnSync('pdfsig', [f], { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`;
  });
