import type { AuditEntry } from '../../lib/types.ts';

/** "invoice.issued" + summary → "Invoice INV-2026-00001 issued". Unknown actions read as they are. */
export function describeAudit(e: AuditEntry): string {
  const [object = '', verb = ''] = e.action.split('.');
  const label =
    typeof e.summary.number === 'string'
      ? ` ${e.summary.number}`
      : typeof e.summary.name === 'string'
        ? ` “${e.summary.name}”`
        : '';
  const noun = object.replace(/_/g, ' ');
  const pretty = noun ? noun[0]!.toUpperCase() + noun.slice(1) : e.action;
  return verb ? `${pretty}${label} ${verb.replace(/_/g, ' ')}` : `${pretty}${label}`;
}
