import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseVkey, signCheckpoint, signerFromSeed, verifyCheckpoint } from './audit.checkpoint.ts';

describe('C2SP signed checkpoints', () => {
  const signer = signerFromSeed('example.test/audit/org1', randomBytes(32));
  const root = randomBytes(32);
  const note = signCheckpoint(signer, 'example.test/audit/org1', 42, root);

  it('writes the tlog-checkpoint layout and verifies with the published verifier key', () => {
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual(['example.test/audit/org1', '42', root.toString('base64'), '']);
    expect(lines[4]).toMatch(/^\u2014 example\.test\/audit\/org1 [A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(lines[4]!.split(' ')[2]!, 'base64')).toHaveLength(68);
    const r = verifyCheckpoint(note, [parseVkey(signer.vkey)]);
    expect(r).toMatchObject({ ok: true, origin: 'example.test/audit/org1', treeSize: 42 });
  });

  it('rejects an edited size or root, another key, and a forged verifier key', () => {
    expect(verifyCheckpoint(note.replace('\n42\n', '\n41\n'), [parseVkey(signer.vkey)]).ok).toBe(false);
    const other = signerFromSeed('example.test/audit/org1', randomBytes(32));
    expect(verifyCheckpoint(note, [parseVkey(other.vkey)])).toEqual({
      ok: false,
      reason: 'no signature by a trusted key',
    });
    const keyPart = (v: string) => v.split('+').slice(2).join('+');
    const prefix = signer.vkey.slice(0, signer.vkey.length - keyPart(signer.vkey).length);
    expect(() => parseVkey(prefix + keyPart(other.vkey))).toThrow(/hash does not match/);
  });

  it('derives the same key from the same seed', () => {
    const seed = randomBytes(32);
    expect(signerFromSeed('a.test/x', seed).vkey).toBe(signerFromSeed('a.test/x', seed).vkey);
  });
});
