// The one way the web app talks to the server: fetch with the session cookie, the CSRF token on
// every state change, and RFC 9457 problem+json turned into an ApiError whose field errors forms
// show next to their inputs. A 401 `step_up_required` opens the re-authentication dialog and
// retries the request once it succeeds.

export type Realm = 'staff' | 'portal' | 'public';

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldProblem[];
  readonly requestId: string | undefined;

  constructor(status: number, code: string, message: string, fieldErrors: FieldProblem[] = [], requestId?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.fieldErrors = fieldErrors;
    this.requestId = requestId;
  }

  /** Field errors keyed by their path without the `/body` root: `lines/0/quantity`. */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fieldErrors) {
      const key = f.path.replace(/^\/(body|query|params|querystring)/, '').replace(/^\//, '');
      out[key] ??= f.message;
    }
    return out;
  }
}

const csrf: Record<Realm, string | null> = { staff: null, portal: null, public: null };
const csrfSources: Record<Realm, (() => Promise<string | null>) | null> = { staff: null, portal: null, public: null };

export function setCsrfToken(realm: Realm, token: string | null): void {
  csrf[realm] = token;
}

/** Where to fetch a realm's CSRF token when none is known (the session endpoint of that realm). */
export function setCsrfSource(realm: Realm, source: () => Promise<string | null>): void {
  csrfSources[realm] = source;
}

const signedOut: Record<Realm, (() => void) | null> = { staff: null, portal: null, public: null };

/** Called when the realm's session is gone (expired, revoked): the app shows its sign-in again. */
export function setSignedOutHandler(realm: Realm, handler: (() => void) | null): void {
  signedOut[realm] = handler;
}

type StepUpHandler = (reason: string) => Promise<boolean>;
let stepUpHandler: StepUpHandler | null = null;

/** The staff app installs its step-up dialog here. */
export function setStepUpHandler(handler: StepUpHandler | null): void {
  stepUpHandler = handler;
}

export interface RequestOptions {
  realm?: Realm;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send an Idempotency-Key so a retried click cannot issue or record twice. */
  idempotent?: boolean;
  /** Raw body (e.g. a PDF upload) sent as is with its content type. */
  raw?: { body: Blob | ArrayBuffer; contentType: string };
}

const SAFE = new Set(['GET', 'HEAD']);

async function toError(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const p = (await res.json()) as { code?: string; detail?: string; title?: string; errors?: FieldProblem[]; requestId?: string };
      return new ApiError(res.status, p.code ?? 'error', p.detail ?? p.title ?? `Request failed (${res.status})`, p.errors ?? [], p.requestId);
    } catch {
      // fall through to the generic message
    }
  }
  if (res.status >= 500) return new ApiError(res.status, 'internal', 'The server had a problem. Try again in a moment; if it persists, tell your administrator.');
  return new ApiError(res.status, 'error', `Request failed (${res.status})`);
}

async function send(method: string, path: string, body: unknown, opts: RequestOptions, attempt: number): Promise<Response> {
  const realm = opts.realm ?? 'staff';
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  let payload: BodyInit | undefined;
  if (opts.raw) {
    headers['content-type'] = opts.raw.contentType;
    payload = opts.raw.body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (!SAFE.has(method)) {
    if (csrf[realm] === null && csrfSources[realm]) csrf[realm] = await csrfSources[realm]!().catch(() => null);
    if (csrf[realm]) headers['x-csrf-token'] = csrf[realm]!;
    if (opts.idempotent) headers['idempotency-key'] = crypto.randomUUID();
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal ?? null, cache: 'no-store' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.ok || attempt > 0) return res;
  if (res.status === 403 && !SAFE.has(method)) {
    const err = await toError(res.clone());
    // The session was rotated (login, step-up): fetch the new token and retry once.
    if (err.code === 'csrf_failed' && csrfSources[realm]) {
      csrf[realm] = null;
      return send(method, path, body, opts, attempt + 1);
    }
  }
  if (res.status === 401 && realm === 'staff' && stepUpHandler) {
    const err = await toError(res.clone());
    // Step-up rotates the session; the dialog stores the new CSRF token before resolving.
    if (err.code === 'step_up_required' && (await stepUpHandler(err.message))) return send(method, path, body, opts, attempt + 1);
  }
  return res;
}

async function failure(res: Response, path: string, opts: RequestOptions): Promise<ApiError> {
  const err = await toError(res);
  // Sign-in and step-up endpoints answer 401 for a wrong password or code: that is not a lost session.
  if (err.status === 401 && err.code === 'unauthenticated' && !/^\/api\/v1\/(auth|portal\/auth)\//.test(path)) signedOut[opts.realm ?? 'staff']?.();
  return err;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, body, opts, 0);
  if (!res.ok) throw await failure(res, path, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** A file the server answered with (a PDF, an export): its bytes, type and suggested name. */
export interface FileAnswer {
  blob: Blob;
  contentType: string;
  filename: string | null;
}

/**
 * Fetches a file through the same path as every other call (cookies, CSRF, step-up retry), so
 * downloads that need a POST or a re-authentication work like any other action.
 */
export async function requestFile(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<FileAnswer> {
  const res = await send(method, path, body, { ...opts, headers: { accept: '*/*', ...opts.headers } }, 0);
  if (!res.ok) throw await failure(res, path, opts);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return { blob: await res.blob(), contentType: res.headers.get('content-type') ?? '', filename: name?.[1] ?? null };
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};

/** Builds a query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** Fetches every page of a keyset-paginated list (bounded, for dashboards). */
export async function listAll<T>(path: string, params: Record<string, string | number | undefined> = {}, maxPages = 20, opts?: RequestOptions): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await api.get<{ items: T[]; nextCursor: string | null }>(`${path}${qs({ ...params, limit: 200, cursor })}`, opts);
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}
