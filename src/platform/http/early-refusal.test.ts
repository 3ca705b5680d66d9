import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { installEarlyRefusals } from './early-refusal.ts';

let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

it('answers a saturated route before the application handler, and lets everything else through', async () => {
  let handled = 0;
  let saturated = true;
  const refused: string[] = [];
  server = createServer((_req, res) => {
    handled++;
    res.end('handled');
  });
  installEarlyRefusals(
    server,
    [
      {
        method: 'POST',
        path: '/login',
        refusal: () => (saturated ? new AppError('rate_limited', 'busy', { headers: { 'retry-after': '2' } }) : null),
      },
    ],
    { securityHeaders: { 'x-frame-options': 'DENY' }, onRefused: (route) => refused.push(route), delayMs: 200 },
  );
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (p: string) => fetch(`${base}${p}`, { method: 'POST', body: '{"a":1}' });

  for (const p of ['/login', '/login/', '/login?next=1']) {
    const t0 = performance.now();
    const r = await post(p);
    expect(r.status).toBe(429);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95); // answered after half to 1.5 times the delay
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(await r.json()).toMatchObject({ status: 429, code: 'rate_limited', detail: 'busy' });
  }
  expect(handled).toBe(0);
  expect(refused).toEqual(['POST /login', 'POST /login', 'POST /login']);

  expect(await (await fetch(`${base}/login`)).text()).toBe('handled'); // another method
  expect(await (await post('/loginx')).text()).toBe('handled'); // another path
  saturated = false;
  expect(await (await post('/login')).text()).toBe('handled');
  expect(handled).toBe(3);
});

it('answers at once beyond the refusals it may hold back', async () => {
  server = createServer((_req, res) => res.end('handled'));
  installEarlyRefusals(
    server,
    [{ method: 'POST', path: '/login', refusal: () => new AppError('rate_limited', 'busy') }],
    { securityHeaders: {}, onRefused: () => {}, delayMs: 2000, maxDelayed: 1 },
  );
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`;
  const timed = async () => {
    const t0 = performance.now();
    expect((await fetch(url, { method: 'POST' })).status).toBe(429);
    return performance.now() - t0;
  };
  const [first, second] = await Promise.all([timed(), new Promise((r) => setTimeout(r, 50)).then(timed)]);
  expect(first).toBeGreaterThanOrEqual(950);
  expect(second).toBeLessThan(500);
});
