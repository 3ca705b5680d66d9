// The fingerprint a delivery shows: the one printed on the PDF, and the PDF-hash form only for a
// document without a signature record.
import { describe, expect, it } from 'vitest';
import {
  encryptedBodyText,
  encryptedSubject,
  fingerprintFor,
  noticeText,
  pdfHashFingerprint,
  plainText,
  portalLinkText,
  sealedLinkText,
  subjectFor,
  type MessageFacts,
} from './messages.ts';

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
      language: 'en',
      formatLocale: 'en-GB',
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
      language: 'en',
      formatLocale: 'en-GB',
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
    language: 'en',
    formatLocale: 'en-GB',
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
    language: 'en',
    formatLocale: 'en-GB',
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

describe('languages (issue #15 item 4)', () => {
  const facts = (language: string, formatLocale: string, kind = 'invoice'): MessageFacts => ({
    orgName: 'Acme',
    kind,
    number: 'INV-3',
    total: 123_456,
    currency: 'EUR',
    language,
    formatLocale,
    fingerprint: 'RFJP-L36X-YAJ4-V2CJ',
    dueDate: '2026-12-31',
  });
  const reminder = {
    dueDate: '2026-12-31',
    daysPastDue: 30,
    outstanding: 123_456,
    interest: { amount: 1_234, days: 30, annualPercent: '10.15' },
    compensation: 4_000,
  };

  it('writes a German notice: subject, opening, facts with the PDF word for the fingerprint, German amounts', () => {
    const f = facts('de', 'de-DE');
    expect(subjectFor(f)).toBe('Rechnung INV-3 von Acme');
    const text = noticeText(f);
    expect(text).toContain('Acme hat eine Rechnung für Sie ausgestellt.\n');
    expect(text).toContain(
      '  Rechnungsnummer: INV-3\n  Betrag: 1.234,56\u00a0€\n  Fingerabdruck: RFJP-L36X-YAJ4-V2CJ\n',
    );
    expect(text).toContain('Diese E-Mail enthält bewusst kein Dokument und keinen Link.');
    expect(text).toContain('Kundenportal von Acme');
    expect(text).not.toMatch(/Invoice|Amount|Fingerprint|Never pay/);
  });

  it('says "eine Gutschrift", "ein Angebot", "un avoir", "un devis"', () => {
    expect(noticeText(facts('de', 'de-DE', 'credit_note'))).toContain('Acme hat eine Gutschrift für Sie ausgestellt.');
    expect(noticeText(facts('de', 'de-DE', 'credit_note'))).toContain('  Gutschriftsnummer: INV-3\n');
    expect(noticeText(facts('de', 'de-DE', 'quote'))).toContain('Acme hat ein Angebot für Sie erstellt.');
    expect(noticeText(facts('fr', 'fr-FR', 'credit_note'))).toContain('Acme a émis un avoir à votre intention.');
    expect(noticeText(facts('fr', 'fr-FR', 'credit_note'))).toContain('  Numéro d’avoir : INV-3\n');
    expect(noticeText(facts('fr', 'fr-FR', 'quote'))).toContain('Acme a établi un devis à votre intention.');
    expect(encryptedBodyText(facts('fr', 'fr-FR', 'credit_note'), 'OpenPGP')).toContain(
      'L’avoir est joint au format PDF. Ce message est signé par Acme et chiffré pour vous avec OpenPGP.',
    );
  });

  it('writes French facts with the space before the colon and French amounts', () => {
    const text = plainText(facts('fr', 'fr-FR'), 'https://v.test/verify', ['INV-3.pdf']);
    expect(text).toMatch(
      / {2}Numéro de facture : INV-3\n {2}Montant : 1\s234,56\s€\n {2}Empreinte : RFJP-L36X-YAJ4-V2CJ\n/,
    );
    expect(text).toContain('La facture est jointe (INV-3.pdf). Cet e-mail n’est pas chiffré.');
    expect(text).toContain('Ne payez jamais sur des coordonnées bancaires reçues uniquement par e-mail.');
    expect(encryptedSubject(facts('fr', 'fr-FR'))).toBe('Message chiffré de Acme');
  });

  it('writes link expiry in UTC in the locale, and downloads with plural rules', () => {
    const at = '2026-12-15T09:30:00.000Z';
    expect(portalLinkText(facts('en', 'en-GB'), 'https://x', at)).toContain(
      'The link works once and until 15 Dec 2026, 09:30 UTC.',
    );
    expect(portalLinkText(facts('de', 'de-DE'), 'https://x', at)).toContain(
      'Der Link funktioniert einmal und bis 15.12.2026, 09:30 UTC.',
    );
    expect(sealedLinkText(facts('en', 'en-GB'), 'https://x', at, 1, false)).toContain('and for 1 download.');
    expect(sealedLinkText(facts('en', 'en-GB'), 'https://x', at, 3, true)).toContain(
      'and for 3 downloads.\nOpening it asks',
    );
    expect(sealedLinkText(facts('fr', 'fr-FR'), 'https://x', at, 1, false)).toContain(
      'Le lien fonctionne jusqu’au 15 déc. 2026, 09:30 UTC et pour 1 téléchargement.',
    );
    expect(sealedLinkText(facts('de', 'de-DE'), 'https://x', at, null, false)).toContain(
      'Der Link funktioniert bis 15.12.2026, 09:30 UTC.\n',
    );
  });

  it('writes reminders with interest, compensation and the total due in the language', () => {
    const de = noticeText({ ...facts('de', 'de-DE'), reminder });
    expect(subjectFor({ ...facts('de', 'de-DE'), reminder })).toBe('Zahlungserinnerung: Rechnung INV-3 von Acme');
    expect(de).toContain('Acme erinnert Sie daran, dass die Rechnung INV-3 am 31.12.2026 fällig war');
    expect(de).toContain('  Offener Betrag: 1.234,56\u00a0€\n');
    expect(de).toContain(
      '  Gesetzliche Verzugszinsen (Richtlinie 2011/7/EU, 10,15 % p. a. für 30 Tage): 12,34\u00a0€\n',
    );
    expect(de).toContain('  Entschädigung für Beitreibungskosten (Richtlinie 2011/7/EU): 40,00\u00a0€\n');
    expect(de).toContain('  Jetzt fälliger Gesamtbetrag: 1.286,90\u00a0€\n');
    expect(de).toContain('Sollten Sie inzwischen bezahlt haben');
    const fr = noticeText({
      ...facts('fr', 'fr-FR'),
      reminder: { ...reminder, interest: { ...reminder.interest, days: 1 } },
    });
    expect(fr).toMatch(/Intérêts légaux \(directive 2011\/7\/UE, 10,15 % par an pendant 1 jour\) : 12,34\s€/);
    expect(fr).toMatch(/Total désormais dû : 1\s286,90\s€/);
    const en = noticeText({ ...facts('en', 'en-GB'), reminder });
    expect(en).toContain('  Statutory interest (Directive 2011/7/EU, 10.15 % a year for 30 days): €12.34\n');
    expect(en).toContain('  Total now due: €1,286.90\n');
    const before = { ...reminder, daysPastDue: -3, interest: null, compensation: null };
    expect(subjectFor({ ...facts('fr', 'fr-FR'), reminder: before })).toBe('Paiement à venir : facture INV-3 de Acme');
  });

  it('keeps an organization wording and fills {{document.kind}} in the language', () => {
    const wording = { subject: 'Ihre {{document.kind}}', body: 'Ihre {{document.kind}} über {{document.total}}.' };
    expect(subjectFor({ ...facts('de', 'de-DE', 'credit_note'), wording })).toBe('Ihre Gutschrift');
    expect(noticeText({ ...facts('de', 'de-DE'), wording })).toMatch(/^Ihre Rechnung über 1\.234,56\s€\.\n/);
  });
});
