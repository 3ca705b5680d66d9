// The ordered list of migrations. Add new files here; never edit a migration that has shipped.
import type { SealbillMigration } from './types.ts';
import * as m0001 from './0001-foundation.ts';
import * as m0002 from './0002-sessions.ts';
import * as m0003 from './0003-identity.ts';
import * as m0004 from './0004-data-protection.ts';
import * as m0005 from './0005-verification.ts';
import * as m0006 from './0006-delivery.ts';
import * as m0007 from './0007-payments.ts';
import * as m0008portal from './0008-portal-factors.ts';
import * as m0010documents from './0010-hardening-documents.ts';
import * as m0011 from './0011-hardening-integrity.ts';
import * as m0012portal from './0012-hardening-portal.ts';
import * as m0013einvoice from './0013-einvoice-fields.ts';
import * as m0015 from './0015-list-indexes.ts';
import * as m0016 from './0016-dunning.ts';
import * as m0017 from './0017-message-templates.ts';
import * as m0018 from './0018-notifications.ts';
import * as m0019 from './0019-recurring-send.ts';
import * as m0020 from './0020-search-tokens.ts';
import * as m0021 from './0021-reminder-pdf-hash.ts';
import * as m0022 from './0022-report-ledger.ts';
import * as m0023 from './0023-auto-charge.ts';
import * as m0024 from './0024-exchange-rates.ts';
import * as m0025 from './0025-client-domains.ts';
import * as m0026 from './0026-bulk-actions.ts';
import * as m0027 from './0027-imported-documents.ts';
import * as m0028 from './0028-org-logo.ts';
import * as m0029 from './0029-client-sort.ts';
import * as m0030 from './0030-dashboard-covering-indexes.ts';
import * as m0031 from './0031-payments-list.ts';
import * as m0032 from './0032-search-tokens-row-covering.ts';
import * as m0033 from './0033-collected-covering-indexes.ts';
import * as m0034 from './0034-client-domain-seq.ts';

export const MIGRATIONS: Record<string, SealbillMigration> = {
  '0001-foundation': m0001,
  '0002-sessions': m0002,
  '0003-identity': m0003,
  '0004-data-protection': m0004,
  '0005-verification': m0005,
  '0006-delivery': m0006,
  '0007-payments': m0007,
  '0008-portal-factors': m0008portal,
  '0010-hardening-documents': m0010documents,
  '0011-hardening-integrity': m0011,
  '0012-hardening-portal': m0012portal,
  '0013-einvoice-fields': m0013einvoice,
  '0015-list-indexes': m0015,
  '0016-dunning': m0016,
  '0017-message-templates': m0017,
  '0018-notifications': m0018,
  '0019-recurring-send': m0019,
  '0020-search-tokens': m0020,
  '0021-reminder-pdf-hash': m0021,
  '0022-report-ledger': m0022,
  '0023-auto-charge': m0023,
  '0024-exchange-rates': m0024,
  '0025-client-domains': m0025,
  '0026-bulk-actions': m0026,
  '0027-imported-documents': m0027,
  '0028-org-logo': m0028,
  '0029-client-sort': m0029,
  '0030-dashboard-covering-indexes': m0030,
  '0031-payments-list': m0031,
  '0032-search-tokens-row-covering': m0032,
  '0033-collected-covering-indexes': m0033,
  '0034-client-domain-seq': m0034,
};
