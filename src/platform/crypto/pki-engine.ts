// The pkijs crypto engine over Node's WebCrypto, passed explicitly to pkijs calls (no global engine
// state). Shared by the TSA client (platform/crypto/tsa.ts), X.509/PKCS#12 (verification/pki.ts) and
// S/MIME (delivery/smime.ts).
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

export const pkiEngine = new pkijs.CryptoEngine({
  name: 'node',
  crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'],
});
