import { useState, type FormEvent } from 'react';
import { itemInput, itemPatch, taxRateInput, taxRatePatch } from '../../../../src/modules/catalog/catalog.schemas.ts';
import { ok, staffApi, type ApiError } from '../../lib/api.ts';
import { money, rate, readAmount, readPercent } from '../../lib/format.ts';
import { useAction, useTitle } from '../../lib/hooks.ts';
import { t } from '../../lib/i18n.ts';
import { useApiQuery } from '../../lib/query.ts';
import type { Item, TaxRate } from '../../lib/types.ts';
import { validateBody } from '../../lib/validate.ts';
import { Badge, EmptyState, ErrorNotice, Loading, Status } from '../../ui/feedback.tsx';
import { Button, Checkbox, SelectField, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { ActionsHeader, DataTable } from '../../ui/DataTable.tsx';
import {
  EMPTY_VAT_CATEGORY,
  VatCategoryFields,
  vatCategoryInput,
  type VatCategoryValue,
} from '../einvoice/VatCategoryFields.tsx';

export function useTaxRates(includeArchived = false) {
  return useApiQuery(['tax-rates', { includeArchived }], (signal) =>
    ok(
      staffApi.GET('/api/v1/tax-rates', {
        params: { query: { includeArchived: includeArchived ? 'true' : undefined } },
        signal,
      }),
    ),
  );
}

/** Sends a body after checking it with the route's own schema (the same errors, no round trip). */
function checked<B, R>(schema: Parameters<typeof validateBody>[0], body: B, send: (body: B) => Promise<R>): Promise<R> {
  const invalid = validateBody(schema, body);
  return invalid ? Promise.reject(invalid) : send(body);
}

export function TaxRatesPage() {
  useTitle(t('taxRates.title'));
  const rates = useTaxRates(true);
  const [status, setStatus] = useState<string | null>(null);
  const [v, setV] = useState({ name: '', percent: '', inclusive: false });
  const [percentError, setPercentError] = useState<string | undefined>();
  const [vat, setVat] = useState<VatCategoryValue>(EMPTY_VAT_CATEGORY);
  const create = useAction((rateBp: number) =>
    checked(taxRateInput, { name: v.name.trim(), rateBp, inclusive: v.inclusive, ...vatCategoryInput(vat) }, (body) =>
      ok(staffApi.POST('/api/v1/tax-rates', { body })),
    ),
  );
  const toggle = useAction((r: TaxRate) =>
    checked(taxRatePatch, { archived: !r.archived }, (body) =>
      ok(staffApi.PATCH('/api/v1/tax-rates/{id}', { params: { path: { id: r.id } }, body })),
    ),
  );
  const f = create.error?.fields() ?? {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    const bp = readPercent(v.percent);
    setPercentError(bp === null ? t('taxRates.percentInvalid') : undefined);
    if (bp === null) return;
    if (await create.run(bp)) {
      setV({ name: '', percent: '', inclusive: false });
      setVat(EMPTY_VAT_CATEGORY);
      setStatus(t('taxRates.added'));
      void rates.refetch();
    }
  }

  return (
    <>
      <PageHead title={t('taxRates.title')} />
      <Status message={status} />
      <ErrorNotice error={rates.error ?? toggle.error} />
      {rates.isPending ? <Loading /> : null}
      {rates.data && rates.data.items.length === 0 ? (
        <EmptyState title={t('taxRates.none')}>{t('taxRates.noneHint')}</EmptyState>
      ) : null}
      {rates.data && rates.data.items.length > 0 ? (
        <DataTable
          label={t('taxRates.title')}
          rows={rates.data.items}
          rowKey={(r) => r.id}
          columns={[
            {
              header: t('taxRates.name'),
              cell: (r) => (
                <>
                  {r.name} {r.archived ? <Badge>{t('common.archived')}</Badge> : null}
                </>
              ),
            },
            { header: t('taxRates.rate'), numeric: true, cell: (r) => rate(r.rateBp) },
            {
              header: t('taxRates.prices'),
              cell: (r) => `${r.inclusive ? t('taxRates.includeTax') : t('taxRates.excludeTax')} · ${r.category}`,
            },
            {
              header: <ActionsHeader>{t('common.actions')}</ActionsHeader>,
              cell: (r) => (
                <Button
                  className="btn-small"
                  onClick={async () => {
                    if (await toggle.run(r)) void rates.refetch();
                  }}
                  aria-label={`${r.archived ? t('common.restore') : t('common.archive')} ${r.name}`}
                >
                  {r.archived ? t('common.restore') : t('common.archive')}
                </Button>
              ),
            },
          ]}
        />
      ) : null}
      <form className="panel" onSubmit={submit} noValidate>
        <h2>{t('taxRates.addHeading')}</h2>
        <ErrorNotice error={create.error} title={t('taxRates.notAdded')} />
        <div className="form-row">
          <TextField
            label="Name"
            value={v.name}
            onChange={(e) => setV({ ...v, name: e.target.value })}
            error={f.name}
            required
          />
          <TextField
            label={t('taxRates.ratePercent')}
            inputMode="decimal"
            value={v.percent}
            onChange={(e) => setV({ ...v, percent: e.target.value })}
            error={percentError ?? f.rateBp}
            required
          />
        </div>
        <Checkbox
          label={t('taxRates.inclusiveLabel')}
          checked={v.inclusive}
          onChange={(e) => setV({ ...v, inclusive: e.target.checked })}
        />
        <VatCategoryFields value={vat} onChange={setVat} errors={f} />
        <Button type="submit" variant="primary" busy={create.busy}>
          {t('taxRates.add')}
        </Button>
      </form>
    </>
  );
}

export function ItemsPage() {
  useTitle(t('items.title'));
  const s = useStaff();
  const items = useApiQuery(['items', { includeArchived: true }], (signal) =>
    ok(staffApi.GET('/api/v1/items', { params: { query: { limit: 200, includeArchived: 'true' } }, signal })),
  );
  const rates = useTaxRates();
  const [status, setStatus] = useState<string | null>(null);
  const currency0 = s.org?.defaultCurrency ?? 'EUR';
  const [v, setV] = useState({ name: '', description: '', unit: '', price: '', currency: currency0, taxRateId: '' });
  const [priceError, setPriceError] = useState<string | undefined>();
  const create = useAction((unitPrice: number) =>
    checked(
      itemInput,
      {
        name: v.name.trim(),
        description: v.description.trim(),
        unit: v.unit.trim(),
        unitPrice,
        currency: v.currency.trim().toUpperCase(),
        taxRateId: v.taxRateId || null,
      },
      (body) => ok(staffApi.POST('/api/v1/items', { body })),
    ),
  );
  const toggle = useAction((i: Item) =>
    checked(itemPatch, { archived: !i.archived }, (body) =>
      ok(staffApi.PATCH('/api/v1/items/{id}', { params: { path: { id: i.id } }, body })),
    ),
  );
  const f = create.error?.fields() ?? {};
  const rateName = (id: string | null) => rates.data?.items.find((r) => r.id === id)?.name ?? t('common.none');

  async function submit(e: FormEvent) {
    e.preventDefault();
    const amount = readAmount(v.price, v.currency.trim().toUpperCase() || currency0);
    setPriceError(amount.ok ? undefined : amount.message);
    if (!amount.ok) return;
    if (amount.minor < 0) return setPriceError(t('items.priceNegative'));
    if (await create.run(amount.minor)) {
      setV({ name: '', description: '', unit: '', price: '', currency: currency0, taxRateId: '' });
      setStatus(t('items.added'));
      void items.refetch();
    }
  }

  return (
    <>
      <PageHead title={t('items.title')} />
      <Status message={status} />
      <ErrorNotice error={(items.error ?? toggle.error) as ApiError | null} />
      {items.isPending ? <Loading /> : null}
      {items.data && items.data.items.length === 0 ? (
        <EmptyState title={t('items.none')}>{t('items.noneHint')}</EmptyState>
      ) : null}
      {items.data && items.data.items.length > 0 ? (
        <DataTable
          label={t('items.title')}
          rows={items.data.items}
          rowKey={(i) => i.id}
          columns={[
            {
              header: t('items.item'),
              cell: (i) => (
                <>
                  {i.name} {i.archived ? <Badge>{t('common.archived')}</Badge> : null}
                  {i.description ? <div className="muted small">{i.description}</div> : null}
                </>
              ),
            },
            { header: t('items.unit'), cell: (i) => i.unit || t('common.none') },
            { header: t('items.price'), numeric: true, cell: (i) => money(i.unitPrice, i.currency) },
            { header: t('items.tax'), cell: (i) => rateName(i.taxRateId) },
            {
              header: <ActionsHeader>{t('common.actions')}</ActionsHeader>,
              cell: (i) => (
                <Button
                  className="btn-small"
                  aria-label={`${i.archived ? t('common.restore') : t('common.archive')} ${i.name}`}
                  onClick={async () => {
                    if (await toggle.run(i)) void items.refetch();
                  }}
                >
                  {i.archived ? t('common.restore') : t('common.archive')}
                </Button>
              ),
            },
          ]}
        />
      ) : null}
      <form className="panel" onSubmit={submit} noValidate>
        <h2>{t('items.addHeading')}</h2>
        <ErrorNotice error={create.error} title={t('items.notAdded')} />
        <div className="form-row">
          <TextField
            label="Name"
            value={v.name}
            onChange={(e) => setV({ ...v, name: e.target.value })}
            error={f.name}
            required
          />
          <TextField
            label="Unit"
            value={v.unit}
            onChange={(e) => setV({ ...v, unit: e.target.value })}
            error={f.unit}
            hint="e.g. h, day, pcs"
          />
          <TextField
            label="Unit price"
            inputMode="decimal"
            value={v.price}
            onChange={(e) => setV({ ...v, price: e.target.value })}
            error={priceError ?? f.unitPrice}
            required
          />
          <TextField
            label="Currency"
            value={v.currency}
            maxLength={3}
            onChange={(e) => setV({ ...v, currency: e.target.value })}
            error={f.currency}
          />
          <SelectField
            label="Tax rate"
            value={v.taxRateId}
            onChange={(e) => setV({ ...v, taxRateId: e.target.value })}
            error={f.taxRateId}
            options={[
              { value: '', label: t('items.noTax') },
              ...(rates.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.name} (${rate(r.rateBp)})` })),
            ]}
          />
        </div>
        <TextField
          label="Description"
          value={v.description}
          onChange={(e) => setV({ ...v, description: e.target.value })}
          error={f.description}
        />
        <Button type="submit" variant="primary" busy={create.busy}>
          {t('items.add')}
        </Button>
      </form>
    </>
  );
}
