// The fingerprint a delivery shows: the one printed on the PDF, and the PDF-hash form only for a
// document without a signature record.
import { describe, expect, it } from 'vitest';
import { fingerprintFor, noticeText, pdfHashFingerprint, plainText, subjectFor } from './messages.ts';

const SHA = 'a3f1c2d4e5b6978812345678abcdef0123456789abcdef0123456789abcdef01';

describe('fingerprintFor', () => {
  it("takes the verification module's fingerprint when the document was signed", async () => {
    const source = {
      documentFingerprint: async (orgId: string, id: string) =>
        orgId === 'o' && id === 'd' ? 'RFJP-L36X-YAJ4-V2CJ' : null,
    };
    expect(await fingerprintFor(source, 'o', 'd', SHA)).toBe('RFJP-L36X-YAJ4-V2CJ');
  });

  it('falls back to the first 80 bits of the PDF hash only without a signature record', async () => {
    expect(await fingerprintFor({ documentFingerprint: async () => null }, 'o', 'd', SHA)).toBe(
      'A3F1 C2D4 E5B6 9788 1234',
    );
    expect(await fingerprintFor(null, 'o', 'd', SHA)).toBe(pdfHashFingerprint(SHA));
  });

  it('prints it in the notice as given', () => {
    const text = noticeText({
      orgName: 'Acme',
      kind: 'invoice',
      number: 'INV-1',
      total: 12_345,
      currency: 'EUR',
      locale: 'en-GB',
      fingerprint: 'RFJP-L36X-YAJ4-V2CJ',
    });
    expect(text).toContain('Fingerprint: RFJP-L36X-YAJ4-V2CJ\n');
  });
});

describe('grammar', () => {
  it('says "an invoice", "a quote", "a credit note"', () => {
    const facts = {
      orgName: 'Acme',
      kind: 'invoice',
      number: 'INV-1',
      total: 100,
      currency: 'EUR',
      locale: 'en-GB',
      fingerprint: 'X',
    };
    expect(noticeText(facts)).toContain('Acme has issued an invoice for you.');
    expect(noticeText({ ...facts, kind: 'credit_note' })).toContain('Acme has issued a credit note for you.');
    expect(noticeText({ ...facts, kind: 'quote' })).toContain('Acme has issued a quote for you.');
  });
});

describe('templates', () => {
  const facts = {
    orgName: 'Acme',
    kind: 'invoice',
    number: 'INV-9',
    total: 12_345,
    currency: 'EUR',
    locale: 'en-GB',
    fingerprint: 'RFJP-L36X-YAJ4-V2CJ',
    clientName: 'Zeta Ltd',
    dueDate: '2026-12-31',
  };

  it('words the subject and the opening; the facts and instructions stay', () => {
    const wording = {
      subject: 'Your invoice {{document.number}}\r\nBcc: x@evil.test',
      body: 'Dear {{client.name}},\n\ndue {{document.dueDate}}: {{document.total}}.',
    };
    expect(subjectFor({ ...facts, wording })).toBe('Your invoice INV-9 Bcc: x@evil.test');
    const text = noticeText({ ...facts, wording });
    expect(text.startsWith('Dear Zeta Ltd,\n\ndue 31 Dec 2026: €123.45.\n')).toBe(true);
    expect(text).toContain('Fingerprint: RFJP-L36X-YAJ4-V2CJ\n');
    expect(text).toContain('This email deliberately contains no document and no link.');
  });
});

describe('plainText', () => {
  const facts = {
    orgName: 'Acme',
    kind: 'invoice',
    number: 'INV-7',
    total: 12_345,
    currency: 'EUR',
    locale: 'en-GB',
    fingerprint: 'RFJP-L36X-YAJ4-V2CJ',
  };

  it('states the facts, the fingerprint, the attachments, that it is not encrypted, and the verification link', () => {
    const text = plainText(facts, 'https://bill.acme.test/verify#fp=RFJP-L36X-YAJ4-V2CJ', ['INV-7.pdf', 'INV-7.xml']);
    expect(text).toContain('Invoice number: INV-7\n');
    expect(text).toContain('Amount: €123.45\n');
    expect(text).toContain('Fingerprint: RFJP-L36X-YAJ4-V2CJ\n');
    expect(text).toContain('attached (INV-7.pdf, INV-7.xml). This email is not encrypted.');
    expect(text).toContain('\nhttps://bill.acme.test/verify#fp=RFJP-L36X-YAJ4-V2CJ\n');
    expect(text).toContain('Never pay to bank details you received by email alone.');
  });
});
