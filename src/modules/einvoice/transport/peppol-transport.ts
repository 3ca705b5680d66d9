// Peppol transport (issue #12 item 8). Sealbill produces Peppol BIS Billing 3.0 documents, but
// sending them over the Peppol network needs a certified access point (AS4, SMP lookup, PKI),
// which an access-point provider operates. This is the interface such a provider implements;
// until one is configured, `peppolStatus()` says so and the UI tells the user to hand the
// downloaded file to their access point.

/** A Peppol participant: EAS scheme + identifier, e.g. { scheme: '0088', id: '4000001000005' }. */
export interface PeppolParticipant {
  scheme: string;
  id: string;
}

export interface PeppolSubmission {
  sender: PeppolParticipant;
  receiver: PeppolParticipant;
  /** The Peppol BIS Billing 3.0 XML as produced by generateEinvoiceUtf8(model, 'peppol-bis'). */
  xml: string;
  /** The document type (UBL Invoice or CreditNote): the access point derives the Peppol doc-type id. */
  documentType: 'invoice' | 'credit-note';
  /** Sealbill's document id: the provider echoes it so retries are idempotent. */
  reference: string;
}

export type PeppolSendResult =
  | { status: 'accepted'; messageId: string }
  /** The receiver is not registered in the SMP for this document type: nothing was sent. */
  | { status: 'unknown-receiver' }
  | { status: 'rejected'; reason: string };

/** What an access-point provider implements. `send` must be idempotent per `reference`. */
export interface PeppolAccessPoint {
  readonly name: string;
  /** Whether the receiver can get this document type over Peppol (SMP lookup). */
  canReceive(receiver: PeppolParticipant, documentType: PeppolSubmission['documentType']): Promise<boolean>;
  send(submission: PeppolSubmission): Promise<PeppolSendResult>;
}

export type PeppolStatus = { configured: false; message: string } | { configured: true; accessPoint: string };

export const NO_ACCESS_POINT_MESSAGE =
  'Peppol BIS documents are produced, but no Peppol access point is configured: download the file and send it through your access point provider.';

/** The state the UI and the API report. */
export function peppolStatus(accessPoint: PeppolAccessPoint | null): PeppolStatus {
  return accessPoint
    ? { configured: true, accessPoint: accessPoint.name }
    : { configured: false, message: NO_ACCESS_POINT_MESSAGE };
}
