// The contract every Peppol access-point adapter keeps (issue #12 item 8), run here against the
// fake; a provider's adapter runs the same `accessPointContract` with its sandbox participants.
import { describe, expect, it } from 'vitest';
import { generateEinvoice } from '../einvoice.generate.ts';
import { toEinvoice, type SealbillDocument } from '../einvoice.mapping.ts';
import { FakeAccessPoint } from './fake-access-point.ts';
import {
  NO_ACCESS_POINT_MESSAGE,
  peppolStatus,
  type PeppolAccessPoint,
  type PeppolParticipant,
} from './peppol-transport.ts';

const SELLER: PeppolParticipant = { scheme: '9930', id: 'DE123456789' };
const BUYER: PeppolParticipant = { scheme: '0208', id: '0123456749' };

const doc: SealbillDocument = {
  kind: 'invoice',
  number: 'INV-2026-00042',
  issueDate: '2026-03-02',
  dueDate: '2026-04-01',
  currency: 'EUR',
  lines: [
    {
      description: 'Consulting',
      unit: 'h',
      quantity: '3',
      unitPrice: 10_000,
      taxRateBp: 2100,
      taxInclusive: false,
      tax: { category: 'S' },
    },
  ],
  discount: null,
  notes: null,
  terms: null,
  org: {
    name: 'Seller GmbH',
    addressLines: ['Musterstraße 1'],
    city: 'Berlin',
    postalCode: '10115',
    country: 'DE',
    vatId: 'DE123456789',
    electronicAddress: { id: SELLER.id, scheme: SELLER.scheme },
  },
  client: {
    name: 'Buyer BV',
    addressLines: ['Rue 1'],
    city: 'Brussels',
    postalCode: '1000',
    country: 'BE',
    vatId: 'BE0123456749',
    electronicAddress: { id: BUYER.id, scheme: BUYER.scheme },
  },
  payout: { accountHolder: 'Seller GmbH', iban: 'DE89370400440532013000', bic: null, accountNumber: null },
  einvoice: { buyerReference: 'PO-1' },
};

export function accessPointContract(
  name: string,
  make: () => PeppolAccessPoint,
  registered: PeppolParticipant,
  unregistered: PeppolParticipant,
): void {
  describe(`Peppol access point contract: ${name}`, () => {
    const xml = generateEinvoice(toEinvoice(doc), 'peppol-bis');

    it('looks receivers up before sending', async () => {
      const ap = make();
      expect(await ap.canReceive(registered, 'invoice')).toBe(true);
      expect(await ap.canReceive(unregistered, 'invoice')).toBe(false);
    });

    it('accepts a Peppol BIS invoice for a registered receiver, idempotently per reference', async () => {
      const ap = make();
      const first = await ap.send({
        sender: SELLER,
        receiver: registered,
        xml,
        documentType: 'invoice',
        reference: 'doc-1',
      });
      expect(first.status).toBe('accepted');
      expect(
        await ap.send({ sender: SELLER, receiver: registered, xml, documentType: 'invoice', reference: 'doc-1' }),
      ).toEqual(first);
    });

    it('sends nothing to an unknown receiver, and rejects what is not Peppol BIS', async () => {
      const ap = make();
      expect(
        await ap.send({ sender: SELLER, receiver: unregistered, xml, documentType: 'invoice', reference: 'doc-2' }),
      ).toEqual({ status: 'unknown-receiver' });
      const xrechnung = generateEinvoice(toEinvoice(doc), 'xrechnung-ubl');
      expect(
        (
          await ap.send({
            sender: SELLER,
            receiver: registered,
            xml: xrechnung,
            documentType: 'invoice',
            reference: 'doc-3',
          })
        ).status,
      ).toBe('rejected');
      expect(
        (await ap.send({ sender: SELLER, receiver: registered, xml, documentType: 'credit-note', reference: 'doc-4' }))
          .status,
      ).toBe('rejected');
    });
  });
}

accessPointContract('fake', () => new FakeAccessPoint([BUYER]), BUYER, { scheme: '0208', id: '0999999999' });

describe('peppolStatus', () => {
  it('says Peppol documents must go through an access point until one is configured', () => {
    expect(peppolStatus(null)).toEqual({ configured: false, message: NO_ACCESS_POINT_MESSAGE });
    expect(peppolStatus(new FakeAccessPoint([]))).toEqual({ configured: true, accessPoint: 'fake' });
  });
});
