// autocannon ships no type declarations; the benchmarks use only its promise API.
declare module 'autocannon' {
  export default function autocannon(opts: Record<string, unknown>): Promise<unknown>;
}
