// Decrypts a sealed link in the browser (format sealbill-sealed-link-v1, see
// src/modules/delivery/sealed-links.service.ts): ciphertext = nonce(12) ‖ AES-256-GCM ciphertext ‖
// tag(16), associated data "sealbill-sealed-link-v1|<link id>". The key comes from the URL
// fragment, which browsers never send to a server (RFC 3986 §3.5); it never leaves this page.

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The key from "#k=<base64url>", or null when the fragment is missing or malformed. */
export function keyFromFragment(hash: string): Uint8Array<ArrayBuffer> | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const k = params.get('k');
  if (!k || !/^[A-Za-z0-9_-]{43}$/.test(k)) return null;
  const key = fromBase64Url(k);
  return key.length === 32 ? key : null;
}

export async function decryptSealed(
  linkId: string,
  ciphertextB64: string,
  rawKey: Uint8Array<ArrayBuffer>,
): Promise<ArrayBuffer> {
  const data = fromBase64Url(ciphertextB64);
  if (data.length < 12 + 16) throw new Error('The encrypted document is truncated');
  const key = await crypto.subtle.importKey('raw', rawKey, { name: 'AES-GCM' }, false, ['decrypt']);
  // The associated data is computed here from the link id, not taken from the server's answer,
  // so a server cannot substitute another link's ciphertext.
  const aad = new TextEncoder().encode(`sealbill-sealed-link-v1|${linkId}`);
  return crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: data.slice(0, 12), additionalData: aad, tagLength: 128 },
    key,
    data.slice(12),
  );
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}
