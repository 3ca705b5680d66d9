// Errors, empty states and loading. An error says what happened and what to do next; field
// errors are listed so a keyboard user can reach each one.
import { useEffect, useRef, type ReactNode } from 'react';
import type { ApiError } from '../lib/api.ts';

const ADVICE: Record<string, string> = {
  unauthenticated: 'Sign in again to continue.',
  forbidden: 'Your role does not allow this. Ask an owner or admin if you need it.',
  csrf_failed: 'Reload the page and try again.',
  not_found: 'It may have been deleted, or the link is wrong.',
  conflict: 'Reload to see the current state, then try again.',
  rate_limited: 'Too many attempts. Wait a little and try again.',
  network: '',
};

export function ErrorNotice({
  error,
  title,
  focus = true,
}: {
  error: ApiError | null | undefined;
  title?: string;
  focus?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error && focus) ref.current?.focus();
  }, [error, focus]);
  if (!error) return null;
  const fields = error.fieldErrors;
  const advice = ADVICE[error.code];
  return (
    <div className="notice notice-error" role="alert" tabIndex={-1} ref={ref}>
      <p className="notice-title">{title ?? error.message}</p>
      {title ? <p>{error.message}</p> : null}
      {fields.length > 0 ? (
        <ul>
          {fields.map((f, i) => (
            <li key={i}>
              <code>{f.path.replace(/^\/(body|query|params)\/?/, '') || 'request'}</code>: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {advice ? <p>{advice}</p> : null}
      {error.requestId ? <p className="muted small">Reference: {error.requestId}</p> : null}
    </div>
  );
}

export function Notice({
  kind = 'info',
  title,
  children,
}: {
  kind?: 'info' | 'success' | 'warning';
  title?: string;
  children?: ReactNode;
}) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'success' ? 'status' : undefined}>
      {title ? <p className="notice-title">{title}</p> : null}
      {children}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children ? <div className="muted">{children}</div> : null}
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

/** Polite live region for "Saved", "Invoice issued" and the like. */
export function Status({ message }: { message: string | null }) {
  return (
    <p className="status-line" role="status" aria-live="polite">
      {message ?? ''}
    </p>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info';
  children: ReactNode;
}) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function StatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  const tone = overdue
    ? 'bad'
    : status === 'paid' || status === 'accepted'
      ? 'good'
      : status === 'void' || status === 'declined'
        ? 'neutral'
        : status === 'draft'
          ? 'info'
          : 'warn';
  const label = overdue ? 'Overdue' : (LABELS[status] ?? status);
  return <Badge tone={tone}>{label}</Badge>;
}

const LABELS: Record<string, string> = {
  draft: 'Draft',
  issued: 'Issued',
  sent: 'Sent',
  partially_paid: 'Partly paid',
  paid: 'Paid',
  void: 'Void',
  accepted: 'Accepted',
  declined: 'Declined',
  converted: 'Converted',
};
