// The organization's security checklist (from GET /api/v1/security/checklist): each open item
// says what is wrong and links to the screen where it is fixed.
import { ok, staffApi } from '../../lib/api.ts';
import { useApiQuery } from '../../lib/query.ts';
import { Link } from '../../lib/router.tsx';
import { ErrorNotice, Loading } from '../../ui/feedback.tsx';

export function SecurityChecklist() {
  const list = useApiQuery(['security-checklist'], (signal) =>
    ok(staffApi.GET('/api/v1/security/checklist', { signal })),
  );
  const open = list.data?.items.filter((i) => !i.ok).length ?? 0;
  return (
    <section className="panel" aria-labelledby="checklist-h">
      <h2 id="checklist-h">Security checklist</h2>
      {list.isPending ? <Loading /> : null}
      <ErrorNotice error={list.error} focus={false} />
      {list.data ? (
        <p className="muted small">
          {open === 0
            ? 'Everything on the list is in order.'
            : `${open} ${open === 1 ? 'item needs' : 'items need'} attention.`}
        </p>
      ) : null}
      {list.data ? (
        <ul className="checklist">
          {list.data.items.map((i) => (
            <li key={i.id}>
              <span className={`check-icon ${i.ok ? 'check-ok' : 'check-todo'}`} aria-hidden="true">
                {i.ok ? '✓' : '!'}
              </span>
              <div>
                <span className="visually-hidden">{i.ok ? 'Done: ' : 'To do: '}</span>
                <strong>{i.title}</strong>
                <div className="small">{i.detail}</div>
                {!i.ok && i.fixAt ? (
                  <Link to={i.fixAt} className="small">
                    Fix this
                    <span className="visually-hidden">: {i.title}</span>
                  </Link>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
