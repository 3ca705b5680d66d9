// The payment methods this client saved when paying online ("save for future invoices"), which the
// organization may charge for later invoices. A contact sees them by label only (brand or scheme
// and the last four digits) and can revoke the authorisation; a revoked method is never charged.
import { useState } from 'react';
import { ok, portalApi } from '../lib/api.ts';
import { dateTime } from '../lib/format.ts';
import { useAction } from '../lib/hooks.ts';
import { t } from '../lib/i18n.ts';
import { useApiQuery } from '../lib/query.ts';
import { ErrorNotice, Status } from '../ui/feedback.tsx';
import { Button } from '../ui/forms.tsx';

export function PortalPaymentMethods() {
  const methods = useApiQuery(['portal-payment-methods'], (signal) =>
    ok(portalApi.GET('/api/v1/portal/payment-methods', { signal })),
  );
  const revoke = useAction((id: string) =>
    ok(portalApi.POST('/api/v1/portal/payment-methods/{id}/revoke', { params: { path: { id } } })),
  );
  const [status, setStatus] = useState<string | null>(null);
  const items = methods.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="portal-methods-h">
      <h2 id="portal-methods-h">{t('portal.methods.title')}</h2>
      <p className="muted">{t('portal.methods.intro')}</p>
      <Status message={status} />
      <ErrorNotice error={methods.error ?? revoke.error} focus={false} />
      {methods.data && items.length === 0 ? <p className="muted">{t('portal.methods.none')}</p> : null}
      {items.length > 0 ? (
        <ul className="plain-list" data-testid="portal-payment-methods">
          {items.map((m) => (
            <li key={m.id}>
              <strong>{m.label}</strong> · {t('portal.methods.saved', { date: dateTime(m.authorisedAt) })}
              {m.active ? (
                <>
                  {' '}
                  <Button
                    variant="link"
                    aria-label={t('portal.methods.revokeLabel', { name: m.label })}
                    onClick={async () => {
                      if (await revoke.run(m.id)) {
                        setStatus(t('portal.methods.revoked', { name: m.label }));
                        void methods.refetch();
                      }
                    }}
                  >
                    {t('portal.methods.revoke')}
                  </Button>
                </>
              ) : (
                <> · {t('portal.methods.revokedOn', { date: dateTime(m.revokedAt ?? m.authorisedAt) })}</>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
