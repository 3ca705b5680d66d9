// IBAN check digits (ISO 13616, mod 97-10), exactly as XRechnung BR-DE-19/20 state the rule:
// whitespace removed, two letters, two digits, up to 30 alphanumerics, letters as 10..35, the
// four leading characters moved to the end, and the resulting integer mod 97 = 1. BigInt keeps
// the 30+ digit number exact (SaxonJS computes this on a double and gets it wrong).
const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$/;

export function isValidIban(raw: string): boolean {
  const s = raw.replace(/[ \n\r\t]/g, '');
  if (!IBAN_SHAPE.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 2).toUpperCase() + s.slice(2, 4);
  const digits = [...moved].map((c) => {
    const cp = c.codePointAt(0) as number;
    return cp > 64 ? String(cp - 55) : String(cp - 48);
  });
  return BigInt(digits.join('')) % 97n === 1n;
}
