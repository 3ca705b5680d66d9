// Merkle tree hashing, inclusion and consistency proofs exactly as RFC 9162 §2.1 (Certificate
// Transparency v2). Leaves are the audit entries' 32-byte chain hashes, in sequence order, so a
// signed tree head commits to every entry and its position.
import { hasher } from '../../platform/crypto/hash.ts';

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = hasher('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export const leafHash = (leaf: Buffer): Buffer => sha256(LEAF, leaf);
export const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE, left, right);

/** Largest power of two strictly smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over precomputed leaf hashes (RFC 9162 §2.1.1). */
function mth(hashes: Buffer[], lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n === 0) return sha256();
  if (n === 1) return hashes[lo]!;
  const k = split(n);
  return nodeHash(mth(hashes, lo, lo + k), mth(hashes, lo + k, hi));
}

export function merkleRoot(leaves: Buffer[]): Buffer {
  return mth(leaves.map(leafHash), 0, leaves.length);
}

/** PATH(m, D[n]) (§2.1.3.1): audit path for leaf m. */
export function inclusionProof(leaves: Buffer[], m: number): Buffer[] {
  if (m < 0 || m >= leaves.length) throw new RangeError('leaf index out of range');
  const hashes = leaves.map(leafHash);
  const path = (idx: number, lo: number, hi: number): Buffer[] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = split(n);
    return idx < k
      ? [...path(idx, lo, lo + k), mth(hashes, lo + k, hi)]
      : [...path(idx - k, lo + k, hi), mth(hashes, lo, lo + k)];
  };
  return path(m, 0, leaves.length);
}

/** Verifies an inclusion proof (§2.1.3.2). */
export function verifyInclusion(leaf: Buffer, index: number, treeSize: number, proof: Buffer[], root: Buffer): boolean {
  if (index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

/** PROOF(m, D[n]) (§2.1.4.1): proves the tree of size m is a prefix of the tree of size n. */
export function consistencyProof(leaves: Buffer[], m: number): Buffer[] {
  const n = leaves.length;
  if (m < 1 || m > n) throw new RangeError('old size out of range');
  const hashes = leaves.map(leafHash);
  const subproof = (mm: number, lo: number, hi: number, complete: boolean): Buffer[] => {
    const nn = hi - lo;
    if (mm === nn) return complete ? [] : [mth(hashes, lo, hi)];
    const k = split(nn);
    return mm <= k
      ? [...subproof(mm, lo, lo + k, complete), mth(hashes, lo + k, hi)]
      : [...subproof(mm - k, lo + k, hi, false), mth(hashes, lo, lo + k)];
  };
  return subproof(m, 0, n, true);
}

/** Verifies a consistency proof between two tree heads (§2.1.4.2). */
export function verifyConsistency(m: number, n: number, oldRoot: Buffer, newRoot: Buffer, proof: Buffer[]): boolean {
  if (m < 1 || m > n) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  let p = [...proof];
  if ((m & (m - 1)) === 0) p = [oldRoot, ...p];
  if (p.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = p[0]!;
  let sr = p[0]!;
  for (const c of p.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}
