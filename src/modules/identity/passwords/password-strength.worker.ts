// Worker thread for the password policy check (password-policy.ts): the zxcvbn estimate is
// CPU-heavy, so it runs here, off the event loop that serves every other request.
import { parentPort } from 'node:worker_threads';
import { checkPassword, type PasswordContext } from './password-policy.ts';

interface Request {
  id: number;
  password: string;
  ctx: PasswordContext;
}

parentPort?.on('message', (m: Request) => {
  try {
    parentPort!.postMessage({ id: m.id, result: checkPassword(m.password, m.ctx) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message });
  }
});
