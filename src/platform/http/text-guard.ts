// Text hygiene for every request body and query string, before schema validation. Control
// characters (C0 except tab, line feed and carriage return; DEL; C1) and lone UTF-16 surrogates
// are refused with 400: PostgreSQL cannot store NUL in text columns (a 500 otherwise), terminals
// and log viewers interpret them, and PDFs and CSV exports would carry them on. Right-to-left
// scripts, emoji and combining marks are ordinary text and pass untouched.
import type { FieldError } from '../errors.ts';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const MAX_ERRORS = 20;
/** No API body nests this deep; refusing deeper ones also keeps this walk's recursion bounded. */
const MAX_DEPTH = 64;

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function problemOf(s: string): string | null {
  if (CONTROL.test(s)) return 'must not contain control characters';
  if (!s.isWellFormed()) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

/** Parsed JSON and query strings only: never streams, buffers or a multipart body's file parts. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Field errors for every string (value or object key) in a parsed JSON value or query object. */
export function findUnsafeText(value: unknown, path: string, out: FieldError[] = [], depth = 0): FieldError[] {
  if (out.length >= MAX_ERRORS) return out;
  if (depth > MAX_DEPTH && (Array.isArray(value) || isPlainObject(value))) {
    out.push({ path, message: `is nested more than ${MAX_DEPTH} levels deep` });
    return out;
  }
  if (typeof value === 'string') {
    const p = problemOf(value);
    if (p) out.push({ path, message: p });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length && out.length < MAX_ERRORS; i++) findUnsafeText(value[i], `${path}/${i}`, out, depth + 1);
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = problemOf(k);
      if (p) out.push({ path: `${path}/${escapePointer(k)}`, message: `key ${p}` });
      findUnsafeText(v, `${path}/${escapePointer(k)}`, out, depth + 1);
    }
  }
  return out;
}
