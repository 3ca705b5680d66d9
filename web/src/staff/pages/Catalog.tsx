import { useState, type FormEvent } from 'react';
import { api, ApiError, qs } from '../../lib/api.ts';
import { money, rate, readAmount, readPercent } from '../../lib/format.ts';
import { useAction, useAsync, useTitle } from '../../lib/hooks.ts';
import type { Item, Page, TaxRate } from '../../lib/types.ts';
import { Badge, EmptyState, ErrorNotice, Loading, Status } from '../../ui/feedback.tsx';
import { Button, Checkbox, SelectField, TextField } from '../../ui/forms.tsx';
import { PageHead } from '../Layout.tsx';
import { useStaff } from '../context.ts';
import { TableWrap } from '../../ui/TableWrap.tsx';
import { EMPTY_VAT_CATEGORY, VatCategoryFields, vatCategoryInput, type VatCategoryValue } from '../einvoice/VatCategoryFields.tsx';

export function useTaxRates(includeArchived = false) {
  return useAsync((signal) => api.get<{ items: TaxRate[] }>(`/api/v1/tax-rates${qs({ includeArchived: includeArchived ? 'true' : undefined })}`, { signal }), [includeArchived]);
}

export function TaxRatesPage() {
  useTitle('Tax rates');
  const rates = useTaxRates(true);
  const [status, setStatus] = useState<string | null>(null);
  const [v, setV] = useState({ name: '', percent: '', inclusive: false });
  const [percentError, setPercentError] = useState<string | undefined>();
  const [vat, setVat] = useState<VatCategoryValue>(EMPTY_VAT_CATEGORY);
  const create = useAction((rateBp: number) => api.post<TaxRate>('/api/v1/tax-rates', { name: v.name.trim(), rateBp, inclusive: v.inclusive, ...vatCategoryInput(vat) }));
  const toggle = useAction((r: TaxRate) => api.patch<TaxRate>(`/api/v1/tax-rates/${r.id}`, { archived: !r.archived }));
  const f = create.error?.fields() ?? {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    const bp = readPercent(v.percent);
    setPercentError(bp === null ? 'Enter a percentage such as 19 or 7.5' : undefined);
    if (bp === null) return;
    if (await create.run(bp)) {
      setV({ name: '', percent: '', inclusive: false });
      setVat(EMPTY_VAT_CATEGORY);
      setStatus('Tax rate added');
      rates.reload();
    }
  }

  return (
    <>
      <PageHead title="Tax rates" />
      <Status message={status} />
      <ErrorNotice error={rates.error ?? toggle.error} />
      {rates.loading && !rates.data ? <Loading /> : null}
      {rates.data && rates.data.items.length === 0 ? <EmptyState title="No tax rates yet">Add the VAT or sales tax rates you charge, e.g. “VAT 19 %”.</EmptyState> : null}
      {rates.data && rates.data.items.length > 0 ? (
        <TableWrap label="Tax rates">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Rate
                </th>
                <th scope="col">Prices</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rates.data.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    {r.name} {r.archived ? <Badge>Archived</Badge> : null}
                  </td>
                  <td className="num">{rate(r.rateBp)}</td>
                  <td>{r.inclusive ? 'include tax' : 'exclude tax'} · {r.category}</td>
                  <td>
                    <Button
                      className="btn-small"
                      onClick={async () => {
                        if (await toggle.run(r)) rates.reload();
                      }}
                      aria-label={`${r.archived ? 'Restore' : 'Archive'} ${r.name}`}
                    >
                      {r.archived ? 'Restore' : 'Archive'}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <form className="panel" onSubmit={submit} noValidate>
        <h2>Add a tax rate</h2>
        <ErrorNotice error={create.error} title="The tax rate was not added" />
        <div className="form-row">
          <TextField label="Name" value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} error={f.name} required />
          <TextField label="Rate (%)" inputMode="decimal" value={v.percent} onChange={(e) => setV({ ...v, percent: e.target.value })} error={percentError ?? f.rateBp} required />
        </div>
        <Checkbox label="Prices with this rate include the tax" checked={v.inclusive} onChange={(e) => setV({ ...v, inclusive: e.target.checked })} />
        <VatCategoryFields value={vat} onChange={setVat} errors={f} />
        <Button type="submit" variant="primary" busy={create.busy}>
          Add tax rate
        </Button>
      </form>
    </>
  );
}

export function ItemsPage() {
  useTitle('Items');
  const s = useStaff();
  const items = useAsync((signal) => api.get<Page<Item>>(`/api/v1/items${qs({ limit: 200, includeArchived: 'true' })}`, { signal }), []);
  const rates = useTaxRates();
  const [status, setStatus] = useState<string | null>(null);
  const currency0 = s.org?.defaultCurrency ?? 'EUR';
  const [v, setV] = useState({ name: '', description: '', unit: '', price: '', currency: currency0, taxRateId: '' });
  const [priceError, setPriceError] = useState<string | undefined>();
  const create = useAction((unitPrice: number) =>
    api.post<Item>('/api/v1/items', { name: v.name.trim(), description: v.description.trim(), unit: v.unit.trim(), unitPrice, currency: v.currency.trim().toUpperCase(), taxRateId: v.taxRateId || null }),
  );
  const toggle = useAction((i: Item) => api.patch<Item>(`/api/v1/items/${i.id}`, { archived: !i.archived }));
  const f = create.error?.fields() ?? {};
  const rateName = (id: string | null) => rates.data?.items.find((r) => r.id === id)?.name ?? '—';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const amount = readAmount(v.price, v.currency.trim().toUpperCase() || currency0);
    setPriceError(amount.ok ? undefined : amount.message);
    if (!amount.ok) return;
    if (amount.minor < 0) return setPriceError('The price cannot be negative');
    if (await create.run(amount.minor)) {
      setV({ name: '', description: '', unit: '', price: '', currency: currency0, taxRateId: '' });
      setStatus('Item added');
      items.reload();
    }
  }

  return (
    <>
      <PageHead title="Items" />
      <Status message={status} />
      <ErrorNotice error={(items.error ?? toggle.error) as ApiError | null} />
      {items.loading && !items.data ? <Loading /> : null}
      {items.data && items.data.items.length === 0 ? <EmptyState title="No items yet">Items are the products and services you sell; pick them when writing an invoice.</EmptyState> : null}
      {items.data && items.data.items.length > 0 ? (
        <TableWrap label="Items">
          <table>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Unit</th>
                <th scope="col" className="num">
                  Price
                </th>
                <th scope="col">Tax</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.data.items.map((i) => (
                <tr key={i.id}>
                  <td>
                    {i.name} {i.archived ? <Badge>Archived</Badge> : null}
                    {i.description ? <div className="muted small">{i.description}</div> : null}
                  </td>
                  <td>{i.unit || '—'}</td>
                  <td className="num">{money(i.unitPrice, i.currency)}</td>
                  <td>{rateName(i.taxRateId)}</td>
                  <td>
                    <Button
                      className="btn-small"
                      aria-label={`${i.archived ? 'Restore' : 'Archive'} ${i.name}`}
                      onClick={async () => {
                        if (await toggle.run(i)) items.reload();
                      }}
                    >
                      {i.archived ? 'Restore' : 'Archive'}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <form className="panel" onSubmit={submit} noValidate>
        <h2>Add an item</h2>
        <ErrorNotice error={create.error} title="The item was not added" />
        <div className="form-row">
          <TextField label="Name" value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} error={f.name} required />
          <TextField label="Unit" value={v.unit} onChange={(e) => setV({ ...v, unit: e.target.value })} error={f.unit} hint="e.g. h, day, pcs" />
          <TextField label="Unit price" inputMode="decimal" value={v.price} onChange={(e) => setV({ ...v, price: e.target.value })} error={priceError ?? f.unitPrice} required />
          <TextField label="Currency" value={v.currency} maxLength={3} onChange={(e) => setV({ ...v, currency: e.target.value })} error={f.currency} />
          <SelectField
            label="Tax rate"
            value={v.taxRateId}
            onChange={(e) => setV({ ...v, taxRateId: e.target.value })}
            error={f.taxRateId}
            options={[{ value: '', label: 'No tax' }, ...(rates.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.name} (${rate(r.rateBp)})` }))]}
          />
        </div>
        <TextField label="Description" value={v.description} onChange={(e) => setV({ ...v, description: e.target.value })} error={f.description} />
        <Button type="submit" variant="primary" busy={create.busy}>
          Add item
        </Button>
      </form>
    </>
  );
}
