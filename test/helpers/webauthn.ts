// A software WebAuthn authenticator (ES256, "none" attestation, discoverable credentials) that
// produces the exact JSON a browser hands to the server, so passkey attacks can be performed in
// integration tests: wrong origin or RP ID, no user verification, a forged signature, a replay.
// The real-browser ceremony is tested separately with Chromium's virtual authenticator (e2e).
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64u = (b: Uint8Array | Buffer): string => Buffer.from(b).toString('base64url');
const sha256 = (b: Buffer | string): Buffer => createHash('sha256').update(b).digest();

interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

export interface Ceremony {
  origin?: string;
  rpId?: string;
  /** User verification performed (PIN/biometric); default true. */
  uv?: boolean;
  /** Corrupts the signature (assertions). */
  forgeSignature?: boolean;
  /** Use this credential instead of the first matching one. */
  credentialId?: string;
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];
  readonly origin: string;
  constructor(origin: string) {
    this.origin = origin;
  }

  private flags(o: Ceremony, attested: boolean): number {
    return 0x01 /* UP */ | (o.uv === false ? 0 : 0x04) /* UV */ | (attested ? 0x40 : 0); /* AT */
  }

  /** navigator.credentials.create() */
  create(options: any, o: Ceremony = {}): any {
    const rpId: string = o.rpId ?? options.rp.id;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = randomBytes(32);
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
    ]);
    const counter = Buffer.alloc(4);
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([this.flags(o, true)]),
      counter,
      Buffer.alloc(16),
      idLen,
      id,
      Buffer.from(isoCBOR.encode(cose)),
    ]);
    const attObj = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', new Uint8Array(authData)],
      ]) as never,
    );
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.create',
        challenge: options.challenge,
        origin: o.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    this.credentials.push({ id, privateKey, rpId: options.rp.id, userHandle: options.user.id, counter: 0 });
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attObj), transports: ['internal'] },
    };
  }

  /** navigator.credentials.get() */
  get(options: any, o: Ceremony = {}): any {
    const allowed: string[] = (options.allowCredentials ?? []).map((c: { id: string }) => c.id);
    const cred = this.credentials.find((c) =>
      o.credentialId ? b64u(c.id) === o.credentialId : allowed.length === 0 || allowed.includes(b64u(c.id)),
    );
    if (!cred) throw new Error('no matching credential');
    cred.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(cred.counter);
    const authData = Buffer.concat([
      sha256(o.rpId ?? options.rpId ?? cred.rpId),
      Buffer.from([this.flags(o, false)]),
      counter,
    ]);
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: options.challenge,
        origin: o.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    let signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
    if (o.forgeSignature) signature = sign('sha256', Buffer.from('something else'), cred.privateKey);
    return {
      id: b64u(cred.id),
      rawId: b64u(cred.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        userHandle: cred.userHandle,
      },
    };
  }
}
