// Who receives a sending. The chosen contact (or the primary contact, else the first with an
// email) and the client's billing email, which the client form promises receives documents, each
// get their own delivery: their own message, links and evidence chain, so the evidence names
// exactly who was sent what. Portal access is personal (a contact signs in), so a billing address
// that is no contact gets the notice (number, amount, fingerprint) instead of a portal link.
import { unprocessable } from '../../platform/errors.ts';
import type { Contact } from '../clients/client.schemas.ts';
import type { DeliveryMode } from './delivery.schemas.ts';

export interface Recipient {
  email: string;
  /** The contact this address belongs to, if any (personal links and codes are bound to it). */
  contact: Contact | null;
  mode: DeliveryMode;
  /** Whether this is the client's billing email added to the sending. */
  billing: boolean;
}

const same = (a: string | null | undefined, b: string | null | undefined) =>
  Boolean(a && b && a.toLowerCase() === b.toLowerCase());

export function recipientsFor(
  client: { email: string | null; contacts: Contact[] },
  mode: DeliveryMode,
  input: { to?: string | undefined; includeBillingEmail?: boolean | undefined },
): Recipient[] {
  let contact: Contact | null;
  if (input.to) {
    contact = client.contacts.find((c) => c.id === input.to) ?? null;
    if (!contact)
      throw unprocessable('No such contact for this client', [{ path: '/body/to', message: 'no recipient' }]);
    if (!contact.email)
      throw unprocessable('This contact has no email address', [{ path: '/body/to', message: 'no email' }]);
  } else {
    contact = client.contacts.find((c) => c.isPrimary && c.email) ?? client.contacts.find((c) => c.email) ?? null;
  }
  const out: Recipient[] = contact?.email ? [{ email: contact.email, contact, mode, billing: false }] : [];
  const billing = input.includeBillingEmail === false ? null : client.email;
  if (billing && !same(billing, contact?.email)) {
    const owner = client.contacts.find((c) => same(c.email, billing)) ?? null;
    out.push({
      email: billing,
      contact: owner,
      mode: mode === 'portal-link' && !owner ? 'notice-only' : mode,
      billing: true,
    });
  }
  if (out.length === 0)
    throw unprocessable('The client has no billing email and no contact with an email address', [
      { path: '/body/to', message: 'no recipient' },
    ]);
  return out;
}
