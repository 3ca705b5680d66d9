// Certified delivery evidence, modelled on eIDAS registered delivery (ETSI EN 319 522): each
// delivery has its own chain of events (submitted, relayed, saved_to_outbox, failed, bounced,
// accessed, acknowledged, revoked). 'relayed' means an SMTP relay accepted the message;
// 'saved_to_outbox' means no relay is configured and the message was only written to the outbox
// folder: nothing was sent. An event's canonical JSON names the previous event's hash and is signed
// with the organization's Ed25519 evidence key, so removing, inserting, reordering or editing any
// event breaks the chain, and nobody without the key can forge one.
//
// This file is the offline verifier too: it needs only node:crypto, the certificate JSON and the
// organization's published public key (`sealbill evidence-verify`).
import { sha256Hex } from '../../platform/crypto/hash.ts';
import { createPublicKey, ed25519Sign, ed25519Verify, type KeyObject } from '../../platform/crypto/signatures.ts';
import { canonicalJson } from '../audit/audit.chain.ts';

export const EVIDENCE_FORMAT = 'sealbill.delivery-evidence.v1';
export const GENESIS = '0'.repeat(64);
export const EVENT_TYPES = [
  'submitted',
  'relayed',
  'saved_to_outbox',
  'failed',
  'bounced',
  'accessed',
  'acknowledged',
  'revoked',
] as const;
export type EvidenceType = (typeof EVENT_TYPES)[number];

/** What is hashed and signed for one event. */
export interface EvidenceContent {
  v: 1;
  org: string;
  delivery: string;
  seq: number;
  type: EvidenceType;
  at: string;
  data: Record<string, unknown>;
  prev: string;
}

export interface SignedEvidence {
  content: EvidenceContent;
  hash: string;
  signature: string; // base64url Ed25519 over canonicalJson(content)
  keyId: string;
  timestampToken?: string | null; // RFC 3161 TimeStampToken over `hash`, base64 DER
}

/** Key id: SHA-256 of the DER SubjectPublicKeyInfo. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

export function signEvidence(content: EvidenceContent, privateKey: KeyObject, keyId: string): SignedEvidence {
  const bytes = Buffer.from(canonicalJson(content), 'utf8');
  return { content, hash: sha256Hex(bytes), signature: ed25519Sign(bytes, privateKey).toString('base64url'), keyId };
}

export interface EvidenceCertificate {
  format: typeof EVIDENCE_FORMAT;
  issuedAt: string;
  issuer: { orgId: string; name: string };
  key: { algorithm: 'Ed25519'; keyId: string; publicKeyPem: string };
  delivery: {
    id: string;
    mode: string;
    documentKind: string;
    documentNumber: string | null;
    documentSha256: string;
    createdAt: string;
  };
  events: SignedEvidence[];
  head: string;
  /** base64url Ed25519 over canonicalJson(certificate without this field). */
  signature: string;
}

export function signCertificate(
  body: Omit<EvidenceCertificate, 'signature'>,
  privateKey: KeyObject,
): EvidenceCertificate {
  return {
    ...body,
    signature: ed25519Sign(Buffer.from(canonicalJson(body), 'utf8'), privateKey).toString('base64url'),
  };
}

export type EvidenceCheck =
  | { ok: true; deliveryId: string; events: number; head: string; types: EvidenceType[] }
  | { ok: false; reason: string; seq?: number };

function verifySig(publicKey: KeyObject, data: string, signature: string): boolean {
  try {
    return ed25519Verify(Buffer.from(data, 'utf8'), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/** Checks one chain of events against a trusted key. Names the first event that does not fit. */
export function verifyEvidenceChain(
  events: readonly SignedEvidence[],
  publicKey: KeyObject,
  expect: { org: string; delivery: string },
): EvidenceCheck {
  const keyId = keyIdOf(publicKey);
  let prev = GENESIS;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const seq = i + 1;
    const c = e.content;
    if (c.v !== 1 || c.seq !== seq) return { ok: false, seq, reason: `event ${seq} is out of order (seq ${c.seq})` };
    if (c.org !== expect.org || c.delivery !== expect.delivery)
      return { ok: false, seq, reason: `event ${seq} belongs to another delivery` };
    if (c.prev !== prev) return { ok: false, seq, reason: `event ${seq} does not link to the previous event` };
    const canonical = canonicalJson(c);
    if (sha256Hex(canonical) !== e.hash) return { ok: false, seq, reason: `event ${seq} was altered (hash mismatch)` };
    if (e.keyId !== keyId || !verifySig(publicKey, canonical, e.signature))
      return { ok: false, seq, reason: `event ${seq} has no valid signature by key ${keyId}` };
    prev = e.hash;
  }
  return {
    ok: true,
    deliveryId: expect.delivery,
    events: events.length,
    head: prev,
    types: events.map((e) => e.content.type),
  };
}

/**
 * Verifies an exported delivery certificate offline. `trustedPublicKeyPem` is the organization's
 * published evidence key, obtained independently of the certificate (the embedded copy is only
 * compared with it, never trusted on its own).
 */
export function verifyEvidenceCertificate(cert: EvidenceCertificate, trustedPublicKeyPem: string): EvidenceCheck {
  if (cert.format !== EVIDENCE_FORMAT) return { ok: false, reason: `unknown format ${String(cert.format)}` };
  let key: KeyObject;
  try {
    key = createPublicKey(trustedPublicKeyPem);
  } catch {
    return { ok: false, reason: 'the trusted public key cannot be read' };
  }
  if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: 'the trusted key is not an Ed25519 key' };
  if (cert.key.keyId !== keyIdOf(key))
    return { ok: false, reason: 'the certificate was signed with a different key than the trusted one' };
  // The chain first, so a tampered certificate names the first event that does not fit.
  const chain = verifyEvidenceChain(cert.events, key, { org: cert.issuer.orgId, delivery: cert.delivery.id });
  if (!chain.ok) return chain;
  const { signature, ...body } = cert;
  if (!verifySig(key, canonicalJson(body), signature))
    return { ok: false, reason: 'the certificate signature is invalid' };
  if (chain.head !== cert.head) return { ok: false, reason: 'the chain head does not match the certificate' };
  const submitted = cert.events[0]?.content;
  if (
    submitted &&
    submitted.data.documentSha256 !== undefined &&
    submitted.data.documentSha256 !== cert.delivery.documentSha256
  ) {
    return { ok: false, seq: 1, reason: 'the document hash differs from the submitted event' };
  }
  return chain;
}
