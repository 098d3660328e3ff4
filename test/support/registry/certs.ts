import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  /** PEM of the CA certificate (what a client must trust). */
  caPem: string;
  caPath: string;
  /** A server certificate for 127.0.0.1 and localhost, signed by the CA. */
  certPath: string;
  keyPath: string;
}

/** A CA and a server certificate made with openssl for this test only (never trusted by the system). */
export async function makeTestCa(dir: string): Promise<TestCa> {
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const certPath = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', caPath, '-days', '2', '-subj', '/CN=image-hygiene test CA']);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', csr, '-subj', '/CN=127.0.0.1']);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial', '-out', certPath, '-days', '2', '-extfile', ext]);
  return { caPem: await readFile(caPath, 'utf8'), caPath, certPath, keyPath };
}

export interface SigningKey {
  /** PEM of the self-signed certificate the registry trusts (auth.token.rootcertbundle). */
  certPath: string;
  certDer: Buffer;
  keyPem: string;
}

/** The token issuer's key (EC P-256, for ES256) and its self-signed certificate. */
export async function makeSigningKey(dir: string): Promise<SigningKey> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=image-hygiene test token issuer']);
  const pem = await readFile(certPath, 'utf8');
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return { certPath, certDer: Buffer.from(base64, 'base64'), keyPem: await readFile(keyPath, 'utf8') };
}
