// Scale-out: two app processes behind a load balancer must share one rate limit, or an attacker
// multiplies the limit by the number of processes. With SEALBILL_REDIS_URL they count in Redis.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestInstance, type TestInstance } from '../helpers/instance.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const s = net.connect({ host: hostname, port: Number(port || 6379) }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

const reachable = await redisReachable();
if (!reachable && process.env.CI) throw new Error(`Redis is required in CI (${REDIS_URL})`);

describe.skipIf(!reachable)('rate limits shared through Redis', () => {
  const instances: TestInstance[] = [];
  const prefix = `test-${randomBytes(6).toString('hex')}:`;

  beforeAll(async () => {
    for (const redis of [true, true, false, false]) {
      instances.push(
        await createTestInstance('sqlite', {
          env: {
            SEALBILL_VERIFY_RATE_LIMIT: '3',
            ...(redis && { SEALBILL_REDIS_URL: REDIS_URL, SEALBILL_REDIS_PREFIX: prefix }),
          },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const t of instances) await t.close();
  });

  const hit = (t: TestInstance) =>
    t.app.inject({ method: 'GET', url: `/api/v1/verify/${'a'.repeat(26)}`, remoteAddress: '203.0.113.9' });

  it('a second process refuses once the first has used up the shared limit', async () => {
    const [a, b] = instances as [TestInstance, TestInstance];
    for (let i = 0; i < 3; i++) expect((await hit(a)).statusCode).not.toBe(429);
    const res = await hit(b);
    expect(res.statusCode).toBe(429);
  });

  it('without Redis each process counts alone (the reason to configure it when scaling out)', async () => {
    const [, , c, d] = instances as [TestInstance, TestInstance, TestInstance, TestInstance];
    for (let i = 0; i < 3; i++) expect((await hit(c)).statusCode).not.toBe(429);
    expect((await hit(d)).statusCode).not.toBe(429);
    expect((await hit(c)).statusCode).toBe(429);
  });
});
