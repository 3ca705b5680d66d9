// The address people open Sealbill at, when SEALBILL_PUBLIC_URL does not say (issue #10 item 20):
// it follows the listen host and port, so changing SEALBILL_PORT alone keeps the app working.
const LOOPBACK_OR_ANY = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0', '::', '[::]']);

/**
 * The public URL and the origins browsers may send. Unset, it follows the listen address and port:
 * a loopback or wildcard host is advertised as `localhost` (WebAuthn refuses IP addresses as
 * relying party ids, so passkeys need a host name), and the loopback IP forms of the same port
 * are accepted too, so the app works whichever of them the user types.
 */
export function publicAddress(
  explicit: string | undefined,
  host: string,
  port: number,
  tls: boolean,
): { url: string; origins: string[] } {
  if (explicit) {
    const url = explicit.replace(/\/+$/, '');
    return { url, origins: [new URL(url).origin] };
  }
  const scheme = tls ? 'https' : 'http';
  const local = LOOPBACK_OR_ANY.has(host);
  const name = local ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  // URL drops the port when it is the scheme's default (80/443).
  const origin = (h: string) => new URL(`${scheme}://${h}:${port}`).origin;
  const url = origin(name);
  return { url, origins: local ? [url, origin('127.0.0.1'), origin('[::1]')] : [url] };
}
