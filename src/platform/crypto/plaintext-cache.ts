/**
 * Bounded LRU of recently decrypted field values, keyed by place and exact ciphertext (ciphertexts
 * are immutable and unique per encryption, so an entry can never be stale). Lists re-read the
 * same rows constantly; this keeps them near plaintext speed. Plaintext stays in the server's
 * memory a little longer: size 0 disables it.
 */
export class PlaintextCache {
  private readonly map = new Map<string, string>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: string): void {
    if (this.max <= 0) return;
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  clear(): void {
    this.map.clear();
  }
}
