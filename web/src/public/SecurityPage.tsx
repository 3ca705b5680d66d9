// /security/:orgId — an organization's security and transparency page, generated from its real
// configuration by GET /api/v1/public/orgs/:id/security.
import { ok, publicApi } from '../lib/api.ts';
import { dateTime, num } from '../lib/format.ts';
import { useTitle } from '../lib/hooks.ts';
import { useApiQuery } from '../lib/query.ts';
import { Badge, ErrorNotice, Loading } from '../ui/feedback.tsx';
import { DataTable } from '../ui/DataTable.tsx';

export function SecurityPage({ orgId }: { orgId: string }) {
  const t = useApiQuery(['org-transparency', orgId], (signal) =>
    ok(publicApi.GET('/api/v1/public/orgs/{id}/security', { params: { path: { id: orgId } }, signal })),
  );
  useTitle(t.data ? `Security at ${t.data.organization.name}` : 'Security and transparency');
  if (t.error) {
    return (
      <>
        <h1>Security and transparency</h1>
        <ErrorNotice
          error={t.error}
          title={t.error.status === 404 ? 'No such organization' : 'This page could not be loaded'}
        />
      </>
    );
  }
  if (!t.data) return <Loading />;
  const d = t.data;
  return (
    <>
      <h1>Security at {d.organization.name}</h1>
      <p className="muted">
        Generated from the live configuration of this Sealbill installation on {dateTime(d.generatedAt)}. It shows how{' '}
        {d.organization.name}'s invoices and your data are protected, and how to check them yourself.
      </p>

      <section className="panel" aria-labelledby="verify-h">
        <h2 id="verify-h">Check an invoice before you pay</h2>
        <p>
          Every invoice is digitally signed. <a href={d.links.verify}>Verify an invoice from {d.organization.name}</a>{' '}
          by uploading it or typing its number, amount and bank account.
        </p>
      </section>

      <section className="panel" aria-labelledby="controls-h">
        <h2 id="controls-h">Controls in force</h2>
        <dl className="facts">
          <dt>Staff sign-in</dt>
          <dd>
            {d.mfaPolicy.description}{' '}
            <Badge tone={d.mfaPolicy.policy === 'off' ? 'warn' : 'good'}>MFA: {d.mfaPolicy.policy}</Badge>
          </dd>
          <dt>Encryption at rest</dt>
          <dd>
            {d.encryptionAtRest.description} <Badge tone="good">{d.encryptionAtRest.algorithm}</Badge>
          </dd>
          <dt>Backups</dt>
          <dd>
            {d.backups.configured
              ? d.backups.lastSuccessAt
                ? `Encrypted backups; last successful backup ${dateTime(d.backups.lastSuccessAt)}.`
                : 'Encrypted backups are configured; none has completed yet.'
              : 'No backup schedule is configured.'}{' '}
            <Badge tone={d.backups.lastSuccessAt ? 'good' : 'warn'}>
              {d.backups.lastSuccessAt ? 'ok' : 'attention'}
            </Badge>
          </dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby="keys-h">
        <h2 id="keys-h">Signing keys</h2>
        {d.signingKeys.length === 0 ? (
          <p className="muted">No signing key has been created yet (one is created with the first issued invoice).</p>
        ) : (
          <DataTable
            label="Signing keys"
            rows={d.signingKeys}
            rowKey={(k) => k.keyId}
            columns={[
              { header: 'Key', cell: (k) => <code>{k.keyId}</code> },
              { header: 'Algorithm', cell: (k) => k.algorithm },
              { header: 'SHA-256 fingerprint', cell: (k) => <code>{k.fingerprintSha256 ?? '—'}</code> },
              {
                header: 'Status',
                cell: (k) => <Badge tone={k.status === 'active' ? 'good' : 'neutral'}>{k.status}</Badge>,
              },
            ]}
          />
        )}
        {d.links.keys ? (
          <p className="small">
            Machine-readable: <a href={d.links.keys}>{d.links.keys}</a>
          </p>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="audit-h">
        <h2 id="audit-h">Tamper-evident audit log</h2>
        {d.auditCheckpoint ? (
          <>
            <p>Every change is recorded in a hash-chained log. Its latest signed checkpoint:</p>
            <dl className="facts">
              <dt>Entries</dt>
              <dd>{num(d.auditCheckpoint.treeSize)}</dd>
              <dt>Root hash</dt>
              <dd>
                <code>{d.auditCheckpoint.rootHash}</code>
              </dd>
              <dt>Signed</dt>
              <dd>
                {dateTime(d.auditCheckpoint.createdAt)}
                {d.auditCheckpoint.timestamped ? ' · time-stamped by an independent authority' : ''}
              </dd>
            </dl>
            <p className="small muted">
              Keep this hash: if a later checkpoint does not extend it, history was rewritten.
            </p>
          </>
        ) : (
          <p className="muted">No checkpoint has been published yet.</p>
        )}
      </section>

      <section className="panel" aria-labelledby="report-h">
        <h2 id="report-h">Report a security problem</h2>
        <p>
          Contact: <a href={d.reporting.contact}>{d.reporting.contact.replace(/^mailto:/, '')}</a>. Machine-readable
          policy: <a href={d.reporting.securityTxt}>{d.reporting.securityTxt}</a>
        </p>
      </section>
    </>
  );
}
