// TOTP second factor (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps). The 160-bit secret comes
// from node:crypto and is sealed under the enrolling org's field key (AAD binds it to the user),
// never stored in clear. Enrolment is pending until the user proves the authenticator works.
// Verification accepts ±1 step of clock drift (RFC 6238 §5.2) and each code only once: the
// highest accepted step is stored and a code for that step or an earlier one is refused.
// The service is realm-agnostic: where the secret lives is a TotpStore (staff users' in
// factors.repo.ts; the client portal passes its own, keyed by contact).
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Clock } from '../../../platform/clock.ts';
import type { Keyring } from '../../../platform/crypto/keyring.ts';
import type { Executor } from '../../../platform/db/kysely.ts';
import { conflict } from '../../../platform/errors.ts';
import { randomBytes } from '../../../platform/crypto/random.ts';

export const TOTP_PERIOD_S = 30;

/** One owner's authenticator (a staff user's, or a portal contact's). */
export interface TotpRecord {
  /** The org whose data key seals the secret. */
  keyOrgId: string;
  secretEnc: string;
  confirmedAt: string | null;
  /** Highest RFC 6238 step accepted (replay guard). */
  lastStep: number;
  createdAt: string;
}

/** Where a realm keeps its TOTP secrets. `table` is the AAD table (row = owner id, column secret_enc). */
export interface TotpStore {
  table: string;
  get(ex: Executor, ownerId: string): Promise<TotpRecord | undefined>;
  /** Inserts, or replaces a pending enrolment. */
  put(ex: Executor, ownerId: string, r: TotpRecord, exists: boolean): Promise<void>;
  confirm(ex: Executor, ownerId: string, at: string, step: number): Promise<void>;
  /** Moves last_step from `from` to `to` only if it is still `from` (true when it did). */
  advance(ex: Executor, ownerId: string, from: number, to: number): Promise<boolean>;
  remove(ex: Executor, ownerId: string): Promise<boolean>;
}

export interface TotpEnrolment {
  otpauthUri: string;
  /** The same URI as an SVG QR code (data: URL), for authenticator apps to scan. */
  qrCode: string;
  /** Base32 secret for manual entry. */
  secret: string;
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' | 'not_enrolled' };

export function createTotpService({
  keyring,
  clock,
  issuer,
  store,
}: {
  keyring: Keyring;
  clock: Clock;
  issuer: string;
  store: TotpStore;
}) {
  const totpFor = (secret: Secret, label: string) =>
    new TOTP({ issuer, label, secret, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S });
  const aad = (ownerId: string) => ({ table: store.table, row: ownerId, column: 'secret_enc' });

  async function secretOf(db: Executor, ownerId: string, row: TotpRecord): Promise<Secret> {
    const crypto = await keyring.forOrg(db, row.keyOrgId);
    return Secret.fromBase32(crypto.decryptText(row.secretEnc, aad(ownerId)));
  }

  /** Matches a code against a secret; returns the RFC 6238 step it belongs to. */
  function matchStep(secret: Secret, code: string): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const now = clock.now().getTime();
    const delta = totpFor(secret, 'x').validate({ token: code, timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
  }

  return {
    async isEnabledInTx(db: Executor, userId: string): Promise<boolean> {
      return Boolean((await store.get(db, userId))?.confirmedAt);
    },

    /** Starts (or restarts) a pending enrolment; refused while a confirmed authenticator exists. */
    async beginInTx(tx: Executor, user: { id: string; email: string }, orgId: string): Promise<TotpEnrolment> {
      const existing = await store.get(tx, user.id);
      if (existing?.confirmedAt)
        throw conflict('An authenticator app is already set up; remove it first to replace it');
      const secret = new Secret({ buffer: new Uint8Array(randomBytes(20)).buffer });
      const crypto = await keyring.forOrg(tx, orgId);
      await store.put(
        tx,
        user.id,
        {
          keyOrgId: orgId,
          secretEnc: crypto.encryptText(secret.base32, aad(user.id)),
          confirmedAt: null,
          lastStep: 0,
          createdAt: clock.now().toISOString(),
        },
        existing !== undefined,
      );
      const otpauthUri = totpFor(secret, user.email).toString();
      const svg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return {
        otpauthUri,
        qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
        secret: secret.base32,
      };
    },

    /** Activates a pending enrolment once the user enters a valid code from it. */
    async confirmInTx(tx: Executor, userId: string, code: string): Promise<TotpCheck> {
      const row = await store.get(tx, userId);
      if (!row || row.confirmedAt) return { ok: false, reason: 'not_enrolled' };
      const step = matchStep(await secretOf(tx, userId, row), code);
      if (step === null) return { ok: false, reason: 'invalid' };
      await store.confirm(tx, userId, clock.now().toISOString(), step);
      return { ok: true, step };
    },

    /** Verifies a code of the active authenticator, once: a replayed (or older) step is refused. */
    async verifyInTx(tx: Executor, userId: string, code: string): Promise<TotpCheck> {
      const row = await store.get(tx, userId);
      if (!row?.confirmedAt) return { ok: false, reason: 'not_enrolled' };
      const step = matchStep(await secretOf(tx, userId, row), code);
      if (step === null) return { ok: false, reason: 'invalid' };
      if (step <= row.lastStep) return { ok: false, reason: 'replayed' };
      // Conditional on the step we read, so two concurrent uses of one code cannot both pass.
      return (await store.advance(tx, userId, row.lastStep, step))
        ? { ok: true, step }
        : { ok: false, reason: 'replayed' };
    },

    removeInTx: (tx: Executor, userId: string): Promise<boolean> => store.remove(tx, userId),
  };
}

export type TotpService = ReturnType<typeof createTotpService>;
