// Errors, empty states and loading. An error says what happened and what to do next; field
// errors are listed so a keyboard user can reach each one.
import { useEffect, useRef, type ReactNode } from 'react';
import type { ApiError } from '../lib/api.ts';
import { t, type MessageKey } from '../lib/i18n.ts';

// In the current language (the portal's is its client's; the staff app's English).
const ADVICE: Record<string, MessageKey> = {
  unauthenticated: 'ui.advice.unauthenticated',
  forbidden: 'ui.advice.forbidden',
  csrf_failed: 'ui.advice.csrf_failed',
  not_found: 'ui.advice.not_found',
  conflict: 'ui.advice.conflict',
  rate_limited: 'ui.advice.rate_limited',
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
  const adviceKey = ADVICE[error.code];
  const advice = adviceKey ? t(adviceKey) : null;
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
      {error.requestId ? <p className="muted small">{t('ui.errorReference', { id: error.requestId })}</p> : null}
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

export function Loading({ label }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label ?? t('ui.loading')}
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
  const key = overdue ? 'ui.status.overdue' : LABELS[status];
  return <Badge tone={tone}>{key ? t(key) : status}</Badge>;
}

const LABELS: Record<string, MessageKey> = {
  draft: 'ui.status.draft',
  issued: 'ui.status.issued',
  sent: 'ui.status.sent',
  partially_paid: 'ui.status.partially_paid',
  paid: 'ui.status.paid',
  void: 'ui.status.void',
  accepted: 'ui.status.accepted',
  declined: 'ui.status.declined',
  converted: 'ui.status.converted',
};
