// TOTP second factor (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps). The 160-bit secret comes
// from node:crypto and is sealed under the enrolling org's field key (AAD binds it to the user),
// never stored in clear. Enrolment is pending until the user proves the authenticator works.
// Verification accepts ±1 step of clock drift (RFC 6238 §5.2) and each code only once: the
// highest accepted step is stored and a code for that step or an earlier one is refused.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { conflict } from '../../platform/errors.ts';

export const TOTP_PERIOD_S = 30;
const aad = (userId: string) => ({ table: 'user_totp', row: userId, column: 'secret_enc' });

export interface TotpEnrolment {
  otpauthUri: string;
  /** The same URI as an SVG QR code (data: URL), for authenticator apps to scan. */
  qrCode: string;
  /** Base32 secret for manual entry. */
  secret: string;
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' | 'not_enrolled' };

export function createTotpService({ keyring, clock, issuer }: { keyring: Keyring; clock: Clock; issuer: string }) {
  const totpFor = (secret: Secret, label: string) => new TOTP({ issuer, label, secret, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S });

  async function secretOf(db: Executor, row: { user_id: string; key_org_id: string; secret_enc: string }): Promise<Secret> {
    const crypto = await keyring.forOrg(db, row.key_org_id);
    return Secret.fromBase32(crypto.decryptText(row.secret_enc, aad(row.user_id)));
  }

  /** Matches a code against a secret; returns the RFC 6238 step it belongs to. */
  function matchStep(secret: Secret, code: string): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const now = clock.now().getTime();
    const delta = totpFor(secret, 'x').validate({ token: code, timestamp: now, window: 1 });
    return delta === null ? null : Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
  }

  return {
    async isEnabled(db: Executor, userId: string): Promise<boolean> {
      const row = await db.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', userId).executeTakeFirst();
      return Boolean(row?.confirmed_at);
    },

    /** Starts (or restarts) a pending enrolment; refused while a confirmed authenticator exists. */
    async begin(tx: Executor, user: { id: string; email: string }, orgId: string): Promise<TotpEnrolment> {
      const existing = await tx.selectFrom('user_totp').select('confirmed_at').where('user_id', '=', user.id).executeTakeFirst();
      if (existing?.confirmed_at) throw conflict('An authenticator app is already set up; remove it first to replace it');
      const secret = new Secret({ buffer: new Uint8Array(randomBytes(20)).buffer });
      const crypto = await keyring.forOrg(tx, orgId);
      const row = { key_org_id: orgId, secret_enc: crypto.encryptText(secret.base32, aad(user.id)), confirmed_at: null, last_step: 0, created_at: clock.now().toISOString() };
      if (existing) await tx.updateTable('user_totp').set(row).where('user_id', '=', user.id).execute();
      else await tx.insertInto('user_totp').values({ user_id: user.id, ...row }).execute();
      const otpauthUri = totpFor(secret, user.email).toString();
      const svg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { otpauthUri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, secret: secret.base32 };
    },

    /** Activates a pending enrolment once the user enters a valid code from it. */
    async confirm(tx: Executor, userId: string, code: string): Promise<TotpCheck> {
      const row = await tx.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (!row || row.confirmed_at) return { ok: false, reason: 'not_enrolled' };
      const step = matchStep(await secretOf(tx, row), code);
      if (step === null) return { ok: false, reason: 'invalid' };
      await tx.updateTable('user_totp').set({ confirmed_at: clock.now().toISOString(), last_step: step }).where('user_id', '=', userId).execute();
      return { ok: true, step };
    },

    /** Verifies a code of the active authenticator, once: a replayed (or older) step is refused. */
    async verify(tx: Executor, userId: string, code: string): Promise<TotpCheck> {
      const row = await tx.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (!row?.confirmed_at) return { ok: false, reason: 'not_enrolled' };
      const step = matchStep(await secretOf(tx, row), code);
      if (step === null) return { ok: false, reason: 'invalid' };
      const last = Number(row.last_step);
      if (step <= last) return { ok: false, reason: 'replayed' };
      // Conditional on the step we read, so two concurrent uses of one code cannot both pass.
      const r = await tx.updateTable('user_totp').set({ last_step: step }).where('user_id', '=', userId).where('last_step', '=', last).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1 ? { ok: true, step } : { ok: false, reason: 'replayed' };
    },

    async remove(tx: Executor, userId: string): Promise<boolean> {
      const r = await tx.deleteFrom('user_totp').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type TotpService = ReturnType<typeof createTotpService>;
