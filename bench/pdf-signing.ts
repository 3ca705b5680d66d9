// What pdf.bench.ts and its memory child (pdf-memory.child.ts) share: the real issuing hook's PDF
// signer for a given identity, and the verification block printed on each invoice. Kept apart
// from the benchmark file so the child loads only the render and signing path.
import { createDocumentSigningHooks } from '../src/modules/verification/document-signing.service.ts';
import type { SigningIdentity } from '../src/modules/verification/signing-identity.service.ts';
import type { Executor } from '../src/platform/db/kysely.ts';

export const creationDate = new Date('2025-03-01T10:00:00Z');

export const verification = (seed: number) => ({
  url: `https://bills.example/verify/${String(seed).padStart(22, 'A')}`,
  fingerprint: 'ABCD-EFGH-IJKL-MNOP',
  unchangedSince: '2025-01-01',
});

/** The PDF signer issuing uses (verification/document-signing.service.ts) for `identity`. */
export function benchPdfSigner(identity: SigningIdentity) {
  const hooks = createDocumentSigningHooks({
    keyring: null as never, // only verification() uses it; the bench signs, it does not write payloads
    clock: { now: () => new Date() },
    publicUrl: 'https://bills.example',
    // Each document gets the identity as a new object with new strings, as decrypting the row would give.
    signing: {
      getOrCreateInTx: async () => ({
        ...identity,
        certificatePem: `${identity.certificatePem}`,
        privateKeyPem: `${identity.privateKeyPem}`,
      }),
      documentKeyInTx: null as never,
    },
    tsa: null,
    warn: () => {},
  });
  const tx = {} as Executor;
  return () => hooks.pdfSignerInTx(tx, 'org');
}
