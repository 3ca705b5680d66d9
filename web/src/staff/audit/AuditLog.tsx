import { useState } from 'react';
import { ok, staffApi } from '../../lib/api.ts';
import { dateTime, num } from '../../lib/format.ts';
import { useAction } from '../../lib/hooks.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Answer, AuditEntry } from '../../lib/types.ts';
import { EmptyState, ErrorNotice, Loading, Notice } from '../../ui/feedback.tsx';
import { Button, TextField } from '../../ui/forms.tsx';
import { SettingsFrame } from '../settings/Settings.tsx';
import { describeAudit } from './audit-text.ts';
import { DataTable } from '../../ui/DataTable.tsx';

type VerifyResult = Answer<'/api/v1/audit-events/verify', 'post'>;
type Checkpoint = Answer<'/api/v1/audit-checkpoints'>['items'][number];

const PAGE = 100;

export function AuditLogPage() {
  const [form, setForm] = useState({ action: '', actorId: '', objectId: '', from: '', to: '' });
  const [filters, setFilters] = useState(form);
  const [more, setMore] = useState<AuditEntry[]>([]);
  const load = (afterSeq?: number, signal?: AbortSignal) =>
    ok(
      staffApi.GET('/api/v1/audit-events', {
        params: {
          query: {
            action: filters.action || undefined,
            actorId: filters.actorId || undefined,
            objectId: filters.objectId || undefined,
            from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
            to: filters.to ? new Date(`${filters.to}T23:59:59.999`).toISOString() : undefined,
            afterSeq,
            limit: PAGE,
          },
        },
        signal,
      }),
    );
  const list = useApiQuery(['audit-events', filters], (signal) => {
    setMore([]);
    return load(undefined, signal);
  });
  const verify = useAction(() => ok(staffApi.POST('/api/v1/audit-events/verify', { body: {} })));
  const checkpoints = useApiQuery(['audit-checkpoints'], (signal) =>
    ok(staffApi.GET('/api/v1/audit-checkpoints', { signal })),
  );
  const sign = useAction(() => ok(staffApi.POST('/api/v1/audit-checkpoints')));
  const latest = checkpoints.data?.items.reduce<Checkpoint | undefined>(
    (a, c) => (!a || c.treeSize > a.treeSize ? c : a),
    undefined,
  );
  const [result, setResult] = useState<VerifyResult | null>(null);
  const rows = [...(list.data?.items ?? []), ...more];
  const last = rows[rows.length - 1];
  const canLoadMore = (list.data?.items.length ?? 0) === PAGE && (more.length === 0 || more.length % PAGE === 0);

  return (
    <SettingsFrame title="Audit log">
      <section className="panel" aria-labelledby="verify-h">
        <h2 id="verify-h">Integrity</h2>
        <p className="muted small">
          Every change is appended to a hash chain: each entry includes the hash of the one before. Verifying recomputes
          the whole chain; an edited, deleted, inserted or reordered entry breaks it at that point.
        </p>
        <Button
          variant="primary"
          busy={verify.busy}
          onClick={async () => {
            setResult(null);
            const r = await verify.run();
            if (r) setResult(r);
          }}
        >
          {verify.busy ? 'Verifying…' : 'Verify integrity'}
        </Button>
        <ErrorNotice error={verify.error} />
        <div aria-live="polite">
          {result?.ok ? (
            <Notice
              kind="success"
              title={
                result.proof === 'external'
                  ? 'The audit log matches the checkpoints kept outside'
                  : 'The audit log is internally consistent'
              }
            >
              {num(result.count)} entries verified
              {result.checkpointsChecked ? `, ${num(result.checkpointsChecked)} signed checkpoints checked` : ''}. Chain
              head: <code>{result.head}</code>
              {result.statement ? <span className="small"> — {result.statement}</span> : null}
            </Notice>
          ) : null}
          {result && !result.ok ? (
            <div className="notice notice-error" role="alert">
              <p className="notice-title">The audit log has been tampered with</p>
              <p>
                {result.badSeq !== undefined ? `The chain breaks at entry #${result.badSeq}: ` : ''}
                {result.reason}. Entries from there on cannot be trusted. Restore from a backup and investigate who had
                database access.
              </p>
            </div>
          ) : null}
        </div>
        <h3>Signed checkpoints</h3>
        <p className="muted small">
          A checkpoint signs the log's state so far; publish or keep its hash to prove later that history was not
          rewritten.
        </p>
        <ErrorNotice error={checkpoints.error ?? sign.error} focus={false} />
        {latest ? (
          <p>
            Latest: {num(latest.treeSize)} entries, signed {dateTime(latest.createdAt)}
            {latest.timestampToken ? ', time-stamped' : ''}. Root hash <code>{latest.rootHash}</code>
          </p>
        ) : (
          <p className="muted">No checkpoint yet.</p>
        )}
        <Button
          busy={sign.busy}
          onClick={async () => {
            if (await sign.run()) void checkpoints.refetch();
          }}
        >
          Sign a checkpoint now
        </Button>
      </section>

      <form
        className="panel filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(form);
        }}
      >
        <TextField
          label="Action"
          value={form.action}
          onChange={(e) => setForm({ ...form, action: e.target.value })}
          hint="e.g. invoice.issued"
        />
        <TextField
          label="Actor id"
          value={form.actorId}
          onChange={(e) => setForm({ ...form, actorId: e.target.value })}
        />
        <TextField
          label="Object id"
          value={form.objectId}
          onChange={(e) => setForm({ ...form, objectId: e.target.value })}
        />
        <TextField
          label="From"
          type="date"
          value={form.from}
          onChange={(e) => setForm({ ...form, from: e.target.value })}
        />
        <TextField label="To" type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        <div className="field">
          <Button type="submit">Apply filters</Button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {list.isPending ? <Loading /> : null}
      {list.data && rows.length === 0 ? (
        <EmptyState title="No entries match">Clear the filters to see the whole log.</EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <DataTable
          label="Audit log entries"
          caption="Audit log entries, oldest first"
          rows={rows}
          rowKey={(e) => String(e.seq)}
          columns={[
            { header: '#', numeric: true, cell: (e) => e.seq },
            { header: 'When', cell: (e) => dateTime(e.at) },
            {
              header: 'What',
              className: 'wrap',
              cell: (e) => (
                <>
                  {describeAudit(e)}
                  <div className="muted small">
                    <code>{e.action}</code>
                    {e.objectId ? (
                      <>
                        {' '}
                        · <code>{e.objectId}</code>
                      </>
                    ) : null}
                  </div>
                </>
              ),
            },
            {
              header: 'Who',
              cell: (e) => (
                <>
                  {e.actorType}
                  {e.actorId ? (
                    <div className="muted small">
                      <code>{e.actorId}</code>
                    </div>
                  ) : null}
                  {e.ip ? <div className="muted small">{e.ip}</div> : null}
                </>
              ),
            },
            { header: 'Hash', cell: (e) => <code title={e.hash}>{e.hash.slice(0, 12)}…</code> },
          ]}
        />
      ) : null}
      {canLoadMore && last ? (
        <Button
          onClick={async () => {
            const page = await load(last.seq);
            setMore((m) => [...m, ...page.items]);
          }}
        >
          Load more
        </Button>
      ) : null}
    </SettingsFrame>
  );
}
