// /.well-known/security.txt (RFC 9116). Contact and Expires are required; Expires is computed at
// request time (half a year ahead, under the RFC's "less than a year" advice), so a running
// instance never serves a stale file. Canonical names the one URL the file is valid for.

export interface SecurityTxtInput {
  contact: string;
  publicUrl: string;
  now: Date;
  /** Human-readable policy page (RFC 9116 §2.5.7). */
  policy?: string | null;
  languages?: string[];
}

export const SECURITY_TXT_LIFETIME_DAYS = 180;

export function securityTxt(input: SecurityTxtInput): string {
  const expires = new Date(input.now.getTime() + SECURITY_TXT_LIFETIME_DAYS * 86_400_000);
  // Whole seconds: RFC 3339 date-time as RFC 9116 §2.5.5 shows it.
  expires.setUTCMilliseconds(0);
  const lines = [
    `Contact: ${input.contact}`,
    `Expires: ${expires.toISOString().replace('.000Z', 'Z')}`,
    `Preferred-Languages: ${(input.languages ?? ['en']).join(', ')}`,
    `Canonical: ${input.publicUrl}/.well-known/security.txt`,
    ...(input.policy ? [`Policy: ${input.policy}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
