// A tax rate's VAT category (UNCL5305) and, for the categories that need one, the exemption reason
// and VATEX code (issue #12). Empty category = the server's default (S above 0 %, Z at 0 %).
import { SelectField, TextField } from '../../ui/forms.tsx';

export interface VatCategoryValue {
  category: string;
  exemptionReason: string;
  exemptionCode: string;
}

export const EMPTY_VAT_CATEGORY: VatCategoryValue = { category: '', exemptionReason: '', exemptionCode: '' };

const CATEGORIES = [
  { value: '', label: 'Standard (S), or zero rated (Z) at 0 %' },
  { value: 'S', label: 'S — standard rate' },
  { value: 'Z', label: 'Z — zero rated' },
  { value: 'E', label: 'E — exempt (give the reason, e.g. § 19 UStG)' },
  { value: 'AE', label: 'AE — reverse charge' },
  { value: 'K', label: 'K — intra-community supply' },
  { value: 'G', label: 'G — export outside the EU' },
  { value: 'O', label: 'O — outside the scope of VAT' },
  { value: 'L', label: 'L — Canary Islands' },
  { value: 'M', label: 'M — Ceuta and Melilla' },
];

/** The request fields for a new tax rate (only what was set). */
export function vatCategoryInput(v: VatCategoryValue): Record<string, string> {
  return {
    ...(v.category ? { category: v.category } : {}),
    ...(v.exemptionReason.trim() ? { exemptionReason: v.exemptionReason.trim() } : {}),
    ...(v.exemptionCode.trim() ? { exemptionCode: v.exemptionCode.trim() } : {}),
  };
}

export function VatCategoryFields({
  value,
  onChange,
  errors,
}: {
  value: VatCategoryValue;
  onChange: (v: VatCategoryValue) => void;
  errors: Record<string, string>;
}) {
  const exempt = ['E', 'AE', 'K', 'G', 'O'].includes(value.category);
  return (
    <div className="form-row">
      <SelectField
        label="VAT category (e-invoices)"
        value={value.category}
        options={CATEGORIES}
        error={errors.category}
        onChange={(e) => onChange({ ...value, category: e.target.value })}
      />
      {exempt ? (
        <>
          <TextField
            label="Exemption reason"
            value={value.exemptionReason}
            error={errors.exemptionReason}
            hint="Prints on the document, e.g. “Kleinunternehmer gemäß § 19 UStG”"
            onChange={(e) => onChange({ ...value, exemptionReason: e.target.value })}
          />
          <TextField
            label="VATEX code"
            value={value.exemptionCode}
            error={errors.exemptionCode}
            hint="optional, e.g. VATEX-EU-AE"
            onChange={(e) => onChange({ ...value, exemptionCode: e.target.value })}
          />
        </>
      ) : null}
    </div>
  );
}
