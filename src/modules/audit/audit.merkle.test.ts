import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from './audit.merkle.ts';

const leaf = (i: number) => createHash('sha256').update(`entry ${i}`).digest();
const leaves = (n: number) => Array.from({ length: n }, (_, i) => leaf(i));

describe('RFC 9162 Merkle tree', () => {
  it('hashes the empty tree, one leaf and three leaves as §2.1.1 defines', () => {
    expect(merkleRoot([]).toString('hex')).toBe(createHash('sha256').digest('hex'));
    expect(merkleRoot([leaf(0)]).equals(leafHash(leaf(0)))).toBe(true);
    const [a, b, c] = leaves(3).map(leafHash);
    expect(merkleRoot(leaves(3)).equals(nodeHash(nodeHash(a!, b!), c!))).toBe(true);
  });

  it('inclusion proofs verify for every leaf and fail for a changed leaf or index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (n, r) => {
        const ls = leaves(n);
        const root = merkleRoot(ls);
        const m = r % n;
        const proof = inclusionProof(ls, m);
        expect(verifyInclusion(ls[m]!, m, n, proof, root)).toBe(true);
        expect(verifyInclusion(leaf(1000), m, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(ls[m]!, (m + 1) % n, n, proof, root)).toBe(false);
      }),
    );
  });

  it('consistency proofs verify for every prefix and fail against a rewritten history', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (n, r) => {
        const ls = leaves(n);
        const m = (r % n) + 1;
        const proof = consistencyProof(ls, m);
        expect(verifyConsistency(m, n, merkleRoot(ls.slice(0, m)), merkleRoot(ls), proof)).toBe(true);
        const forged = [...ls];
        forged[0] = leaf(999);
        expect(verifyConsistency(m, n, merkleRoot(forged.slice(0, m)), merkleRoot(ls), proof)).toBe(false);
      }),
    );
  });
});
