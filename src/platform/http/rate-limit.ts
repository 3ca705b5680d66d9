// Rate-limit counters for the public, unauthenticated routes (verification, pay links). One
// process keeps them in memory; behind a load balancer SEALBILL_REDIS_URL makes every process
// count in one shared Redis, so an attacker cannot multiply the limit by the number of processes.
// (Sign-in throttling needs no Redis: it is stored in the database, see identity/throttle.)
// ioredis is imported only when a Redis URL is configured.
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

export interface RateLimitStore {
  redis: Redis | null;
  prefix: string;
  close(): Promise<void>;
}

export async function createRateLimitStore(url: string | null, prefix: string): Promise<RateLimitStore> {
  const redis = url
    ? new (await import('ioredis')).Redis(url, {
        maxRetriesPerRequest: 2,
        enableOfflineQueue: true,
        lazyConnect: false,
      })
    : null;
  return {
    redis,
    prefix,
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export function rateLimitOptions(store: RateLimitStore, name: string, perMinute: number): RateLimitPluginOptions {
  return {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    // If Redis is unreachable the request fails (500) rather than going unlimited.
    ...(store.redis && { redis: store.redis, nameSpace: `${store.prefix}rl:${name}:`, skipOnError: false }),
  };
}
