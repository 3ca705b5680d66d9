// Files only this service's user may read: the data directory, the SQLite database with its -wal
// and -shm files, the generated master key, and the mail outbox (which holds sign-in links and
// codes in clear while no SMTP relay is configured). Directories are 0700 and files 0600 whatever
// the process umask; a directory we did not create is never re-permissioned (it may be the
// operator's own, e.g. the working directory), only reported, so the operator decides.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (and missing parents) with mode 0700. Returns a warning when an existing directory
 * lets its group or others in, else null.
 */
export function ensurePrivateDir(dir: string): string | null {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // mkdir's mode is filtered by the umask; set it exactly (0700 is never widened by a umask, but be explicit).
    chmodSync(dir, PRIVATE_DIR_MODE);
    return null;
  }
  const mode = statSync(dir).mode & 0o777;
  return mode & 0o077
    ? `${dir} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}); restrict it: chmod 700 ${dir}`
    : null;
}

/** Tightens a directory that belongs to Sealbill alone (e.g. the outbox), creating it if needed. */
export function tightenDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if ((statSync(dir).mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates an empty file with mode 0600 if it does not exist; tightens it to 0600 if it does. */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  tightenFile(file);
}

/** Sets an existing file to 0600 (no-op when missing or already so). */
export function tightenFile(file: string): void {
  if (!existsSync(file)) return;
  if ((statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
}
