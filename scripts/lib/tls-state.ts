/**
 * A state full of secrets, as the attack review measured it (issue 21 item 2): `tls_private_key`
 * instances whose three private-key attributes are marked sensitive, the way the tls provider
 * writes them. The keys are random base64 in PEM/OpenSSH framing at the sizes of real RSA 2048 keys
 * (generating 2,000 real keys would take minutes and changes nothing for the diff). Used by the
 * secret-diff measurement (scripts/bench-diff-secrets.ts) and the tests.
 */
import crypto from 'node:crypto';
import { stateDocument } from './terraform-writer';

function pem(label: string, bytes: number, rng: () => Buffer): string {
  const body = rng().subarray(0, bytes).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** A deterministic byte source per (seed, i), so two versions can share or rotate keys on purpose. */
function bytesFor(seed: string, i: number): () => Buffer {
  let n = 0;
  return () => {
    const chunks: Buffer[] = [];
    for (let k = 0; k < 32; k++) chunks.push(crypto.createHash('sha512').update(`${seed}/${i}/${n++}`).digest());
    return Buffer.concat(chunks);
  };
}

export function tlsKeyInstance(seed: string, i: number): Record<string, unknown> {
  const rng = bytesFor(seed, i);
  const pub = crypto.createHash('sha256').update(`${seed}/${i}/pub`).digest('base64');
  return {
    schema_version: 1,
    attributes: {
      algorithm: 'RSA',
      ecdsa_curve: 'P224',
      id: crypto.createHash('sha1').update(`${seed}/${i}`).digest('hex'),
      private_key_openssh: pem('OPENSSH PRIVATE KEY', 1870, rng),
      private_key_pem: pem('RSA PRIVATE KEY', 1190, rng),
      private_key_pem_pkcs8: pem('PRIVATE KEY', 1216, rng),
      public_key_fingerprint_md5: 'a1:b2:c3:d4',
      public_key_fingerprint_sha256: `SHA256:${pub}`,
      public_key_openssh: `ssh-rsa AAAAB3NzaC1yc2E${pub}\n`,
      public_key_pem: `-----BEGIN PUBLIC KEY-----\n${pub}\n-----END PUBLIC KEY-----\n`,
      rsa_bits: 2048,
    },
    sensitive_attributes: [
      [{ type: 'get_attr', value: 'private_key_openssh' }],
      [{ type: 'get_attr', value: 'private_key_pem' }],
      [{ type: 'get_attr', value: 'private_key_pem_pkcs8' }],
    ],
  };
}

/**
 * `count` keys (2,000 make about 13 MiB), the first `rotated` of them replaced by new ones: two
 * versions with the same `count` differ in exactly those instances (all of them: the worst case).
 */
export function tlsState(opts: { count: number; serial: number; lineage: string; rotated?: number }): string {
  const instances = Array.from({ length: opts.count }, (_, i) => ({ index_key: i, ...tlsKeyInstance(i < (opts.rotated ?? 0) ? `rotated-${opts.serial}` : 'base', i) }));
  const resources = [{ mode: 'managed', type: 'tls_private_key', name: 'k', provider: 'provider["registry.terraform.io/hashicorp/tls"]', instances }];
  return stateDocument({ serial: opts.serial, lineage: opts.lineage, resources });
}
