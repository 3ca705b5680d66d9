// An in-memory Peppol access point for tests and local development: an SMP of registered
// participants and an idempotent outbox. It validates what a real access point would refuse
// before sending (a receiver not in the SMP, an XML that is not Peppol BIS), so the contract test
// (peppol-transport.contract.test.ts) can be run against a real provider's adapter too.
import type { PeppolAccessPoint, PeppolParticipant, PeppolSendResult, PeppolSubmission } from './peppol-transport.ts';

const PEPPOL_BIS = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
const key = (p: PeppolParticipant) => `${p.scheme}:${p.id.toLowerCase()}`;

export class FakeAccessPoint implements PeppolAccessPoint {
  readonly name = 'fake';
  readonly sent = new Map<string, { submission: PeppolSubmission; messageId: string }>();
  private readonly registered: Set<string>;

  constructor(registered: PeppolParticipant[]) {
    this.registered = new Set(registered.map(key));
  }

  async canReceive(receiver: PeppolParticipant): Promise<boolean> {
    return this.registered.has(key(receiver));
  }

  async send(s: PeppolSubmission): Promise<PeppolSendResult> {
    const previous = this.sent.get(s.reference);
    if (previous) return { status: 'accepted', messageId: previous.messageId };
    if (!(await this.canReceive(s.receiver))) return { status: 'unknown-receiver' };
    if (!s.xml.includes(`<cbc:CustomizationID>${PEPPOL_BIS}</cbc:CustomizationID>`))
      return { status: 'rejected', reason: 'not a Peppol BIS Billing 3.0 document' };
    const root = s.documentType === 'invoice' ? '<Invoice ' : '<CreditNote ';
    if (!s.xml.includes(root)) return { status: 'rejected', reason: `the XML is not a UBL ${s.documentType}` };
    const messageId = `fake-${this.sent.size + 1}`;
    this.sent.set(s.reference, { submission: s, messageId });
    return { status: 'accepted', messageId };
  }
}
