import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPES, buildImage, compress, goJson, sha256 } from '../support/image-builder.js';
import { runInProcess } from '../support/run-cli.js';

/**
 * A registry that lies, for what a real one never sends: oversized manifests, wrong digests and sizes,
 * schema 1, blobs longer than their descriptors, and an image addressed by sha512 throughout.
 */
const image = buildImage({ layers: [{ entries: [{ type: 'file', path: 'hello', content: 'hello world\n' }], createdBy: 'COPY hello /' }] });
const layer = compress(image.layers[0]!.tar, 'gzip');
const sha512 = (bytes: Buffer): string => 'sha512:' + createHash('sha512').update(bytes).digest('hex');
const manifest = (digest: (b: Buffer) => string, configSize = image.configBytes.length, layerBytes = layer): Buffer =>
  Buffer.from(goJson({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: digest(image.configBytes), size: configSize },
    layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, digest: digest(layerBytes), size: layerBytes.length }],
  }));

/** The same gzip stream with another MTIME in its header: the same tar, another blob, of the same size. */
const tampered = Buffer.from(layer);
tampered[4] = tampered[4]! ^ 0x01;

const manifests: Record<string, { body: Buffer; type?: string; digest?: string }> = {
  'ok:sha512': { body: manifest(sha512) },
  'ok:sha256': { body: manifest(sha256) },
  'big:1': { body: Buffer.alloc(5 * 1024 * 1024, 0x20) },
  'liar:1': { body: manifest(sha256), digest: 'sha256:' + 'e'.repeat(64) },
  'schema1:1': { body: Buffer.from('{"schemaVersion":1,"name":"x","tag":"1","fsLayers":[]}'), type: 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
  'short-config:1': { body: manifest(sha256, image.configBytes.length - 1) },
  'tampered:1': { body: manifest(sha512) },
};
const blobs = new Map<string, Buffer>();
for (const bytes of [image.configBytes, layer]) {
  blobs.set(sha256(bytes), bytes);
  blobs.set(sha512(bytes), bytes);
}
blobs.set('long', Buffer.concat([layer, Buffer.from('extra')]));
blobs.set('tampered', tampered);

let server: Server;
let host: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/') return void res.end('{}');
    const m = /^\/v2\/([^/]+)\/manifests\/([^/]+)$/.exec(url);
    if (m) {
      const entry = manifests[`${m[1]}:${m[2]}`] ?? Object.values(manifests).find((e) => [sha256(e.body), sha512(e.body)].includes(m[2]!));
      if (!entry) return void (res.writeHead(404, { 'content-type': 'application/json' }), res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}'));
      res.writeHead(200, { 'content-type': entry.type ?? MEDIA_TYPES.ociManifest, 'docker-content-digest': entry.digest ?? sha256(entry.body) });
      return void res.end(req.method === 'HEAD' ? undefined : entry.body);
    }
    const b = /^\/v2\/([^/]+)\/blobs\/(.+)$/.exec(url);
    const swapped: Record<string, string> = { long: sha256(layer), tampered: sha512(layer) };
    const name = b && swapped[b[1]!] === b[2] ? b[1] : b?.[2];
    const bytes = name ? blobs.get(name) : undefined;
    if (!bytes) return void (res.writeHead(404), res.end());
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  manifests['long:1'] = { body: manifest(sha256) };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function audit(ref: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runInProcess(['audit', `registry:${host}/${ref}`, '--format', 'json', '--fail-on', 'never']);
}

describe('a registry that sends what it should not', () => {
  it('an image addressed by sha512 throughout: manifest, config and layer verified, the same report as by sha256', async () => {
    const [a, b] = [await audit('ok:sha512'), await audit('ok:sha256')];
    expect(a.stderr).toBe('');
    const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    // The layer was verified by the sha512 its descriptor names, and is reported by it.
    expect(ra.layers[0].digest).toBe(sha512(layer));
    expect(ra.image.layerVerification).toBe('sha512');
    expect(ra.layers[0].diffId).toBe(rb.layers[0].diffId);
    expect(ra.image.digest).toBe(sha256(manifests['ok:sha512']!.body));
    expect(ra.image.totalBytes).toBe(12);
  });

  it.each([
    ['big:1', /the manifest 1 is more than the 4194304 bytes allowed$/],
    ['liar:1', /liar:1: manifest digest mismatch: the registry says sha256:e{64}, the bytes hash to sha256:/],
    ['schema1:1', /only a schema 1 manifest \(application\/vnd\.docker\.distribution\.manifest\.v1\+prettyjws\)/],
    ['short-config:1', /blob sha256:[0-9a-f]{64} is more than the \d+ bytes allowed$/],
    ['tampered:1', /tampered:1: layer 0 \(blobs\/sha512\/[0-9a-f]{128}\): digest mismatch: the manifest says sha512:[0-9a-f]{12}…, the bytes hash to sha512:/],
    ['long:1', /long:1: blob sha256:[0-9a-f]{64}: the registry sent more than the \d+ bytes its descriptor says/],
    ['nope:1', /nope:1: 404 manifest unknown$/],
  ])('%s: exit 2, one line', async (ref, message) => {
    const result = await audit(ref);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toContain(`${host}/`);
  });
});
