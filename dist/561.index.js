"use strict";
exports.id = 561;
exports.ids = [561];
exports.modules = {

/***/ 5561:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  RegistryError: () => (/* reexport */ RegistryError),
  openRegistryImage: () => (/* reexport */ openRegistryImage),
  registryDigest: () => (/* reexport */ registryDigest),
  registryImage: () => (/* reexport */ registryImage)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/sources/registry/errors.ts

class RegistryError extends errors/* InputError */.d {
    kind;
    status;
    constructor(message, options) {
        super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
        this.kind = options.kind;
        this.status = options.status;
    }
}
const errorBodySchema = (value) => {
    const errors = value?.errors;
    return Array.isArray(errors) ? errors : [];
};
/** `UNAUTHORIZED: authentication required` from the distribution API's error body; '' when there is none. */
function registryErrorText(body) {
    try {
        const [first] = errorBodySchema(JSON.parse(body.toString('utf8')));
        if (!first)
            return '';
        const code = (first.code ?? '').toLowerCase().replace(/_/g, ' ');
        const message = (first.message ?? '').split('\n')[0].trim();
        if (!code)
            return message;
        return message && message.toLowerCase() !== code ? `${code} (${message})` : code;
    }
    catch {
        return '';
    }
}
const STATUS_TEXT = {
    400: 'bad request',
    401: 'unauthorized',
    403: 'denied',
    404: 'not found',
    405: 'method not allowed',
    416: 'range not satisfiable',
    429: 'too many requests',
    500: 'internal server error',
    502: 'bad gateway',
    503: 'service unavailable',
    504: 'gateway timeout',
};
/** What a user can do about a refusal: log in, or on GHCR give the job's token the package scope. */
function refusalHint(status, host, credentialSource) {
    const ghcr = host === 'ghcr.io';
    if (status === 401) {
        if (credentialSource)
            return `the registry refused the credentials from ${credentialSource}${ghcr ? '; grant the job packages: read' : ''}`;
        return ghcr ? 'run docker/login-action first, or grant packages: read' : `run docker/login-action (or docker login ${host}) first`;
    }
    if (credentialSource)
        return `the credentials from ${credentialSource} may not read this repository${ghcr ? ' (grant the job packages: read)' : ''}`;
    return ghcr ? 'run docker/login-action first, or grant packages: read' : `run docker/login-action (or docker login ${host}) first`;
}
function statusError(display, host, status, body, what, credentialSource) {
    const said = registryErrorText(body) || STATUS_TEXT[status] || 'unexpected answer';
    const subject = what ? `${display}: ${what}` : display;
    if (status === 401 || status === 403) {
        return new RegistryError(`${subject}: ${status} ${said}: ${refusalHint(status, host, credentialSource)}`, { kind: 'refused', status });
    }
    if (status === 404)
        return new RegistryError(`${subject}: ${status} ${said}`, { kind: 'not-found', status });
    const kind = status >= 500 || status === 429 ? 'unreachable' : 'invalid';
    return new RegistryError(`${subject}: ${status} ${said}`, { kind, status });
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
;// CONCATENATED MODULE: ./src/sources/registry/tls.ts






/**
 * How registries are reached, as the Docker CLI and engine reach them: HTTPS verified against the system's CAs
 * (Go reads the system store; Node only its bundled one unless told) plus NODE_EXTRA_CA_CERTS, plus the CAs and
 * client certificates Docker keeps per registry in /etc/docker/certs.d/<host[:port]>/ (`*.crt` are CAs, a
 * `name.cert` with its `name.key` a client certificate). Plain HTTP only for a loopback registry that does not
 * speak TLS, or for one listed in IMAGE_HYGIENE_INSECURE_REGISTRIES (host[:port], comma-separated), which is
 * then also reached over HTTPS without verifying its certificate, as Docker treats an "insecure registry".
 */
const CERTS_D = '/etc/docker/certs.d';
const MAX_SOCKETS_PER_HOST = 16;
function hostName(host) {
    return host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
}
function isLoopback(host) {
    const name = hostName(host).toLowerCase();
    if (name === 'localhost' || name.endsWith('.localhost'))
        return true;
    if ((0,external_node_net_.isIP)(name) === 4)
        return name.startsWith('127.');
    return name === '::1';
}
function isInsecure(host) {
    const listed = (process.env.IMAGE_HYGIENE_INSECURE_REGISTRIES ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
    const lower = host.toLowerCase();
    return listed.includes(lower) || listed.includes(hostName(lower));
}
let defaultCAs;
/** Node's default set (its bundled CAs and NODE_EXTRA_CA_CERTS) and the system's, once per process. */
function systemAndExtraCAs() {
    defaultCAs ??= [...new Set([...(0,external_node_tls_.getCACertificates)('default'), ...(0,external_node_tls_.getCACertificates)('system')])];
    return defaultCAs;
}
function certsDFor(host) {
    const dir = (0,external_node_path_.join)(CERTS_D, host);
    let names;
    try {
        names = (0,external_node_fs_.readdirSync)(dir);
    }
    catch {
        return { ca: [], clientCerts: [] };
    }
    const read = (name) => (0,external_node_fs_.readFileSync)((0,external_node_path_.join)(dir, name), 'utf8');
    const ca = names.filter((name) => name.endsWith('.crt')).sort().map(read);
    const clientCerts = names
        .filter((name) => name.endsWith('.cert') && names.includes(name.replace(/\.cert$/, '.key')))
        .sort()
        .map((name) => ({ cert: read(name), key: read(name.replace(/\.cert$/, '.key')) }));
    return { ca, clientCerts };
}
const httpsAgents = new Map();
const httpAgents = new Map();
/** The keep-alive agent for HTTPS requests to one host, with that host's CAs and client certificate. */
function httpsAgentFor(host) {
    let agent = httpsAgents.get(host);
    if (!agent) {
        const own = certsDFor(host);
        const client = own.clientCerts[0];
        agent = new external_node_https_.Agent({
            keepAlive: true,
            maxSockets: MAX_SOCKETS_PER_HOST,
            ca: [...systemAndExtraCAs(), ...own.ca],
            ...(client ? { cert: client.cert, key: client.key } : {}),
            rejectUnauthorized: !isInsecure(host),
        });
        httpsAgents.set(host, agent);
    }
    return agent;
}
function httpAgentFor(host) {
    let agent = httpAgents.get(host);
    if (!agent) {
        agent = new external_node_http_.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST });
        httpAgents.set(host, agent);
    }
    return agent;
}
/** Close every idle connection (the CLI would otherwise wait for keep-alive sockets to time out). */
function closeAgents() {
    for (const agent of [...httpsAgents.values(), ...httpAgents.values()])
        agent.destroy();
    httpsAgents.clear();
    httpAgents.clear();
}

;// CONCATENATED MODULE: ./src/sources/registry/http.ts



/**
 * HTTP over node:http and node:https rather than the built-in fetch: Node ships undici's fetch but not its
 * Agent, so fetch cannot take the per-registry CAs and client certificates of /etc/docker/certs.d without a
 * dependency; redirects must be followed by hand anyway (the registry's Authorization must not reach blob
 * storage); and a layer body is read as the Buffers the socket delivers, paused by backpressure, with no web
 * stream in between.
 */
/** A failure below HTTP: DNS, a refused or reset connection, TLS, a stall. `code` is Node's (ECONNRESET, …). */
class NetworkError extends Error {
    code;
    beforeResponse;
    name = 'NetworkError';
    constructor(message, code, 
    /** Before any byte of the response: the request may be sent again as it was. */
    beforeResponse) {
        super(message);
        this.code = code;
        this.beforeResponse = beforeResponse;
    }
}
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
function sameOrigin(a, b) {
    return a.protocol === b.protocol && a.host === b.host;
}
function describeNetwork(error, url) {
    const code = error.code ?? 'ERROR';
    return new NetworkError(`${url.host}: ${error.message.split('\n')[0]}`, code, true);
}
/** One request, no redirects; resolves at the response's headers. */
function sendOnce(spec, url, authorization) {
    const secure = url.protocol === 'https:';
    const headers = { 'user-agent': 'image-hygiene', ...spec.headers };
    if (authorization)
        headers.authorization = authorization;
    if (spec.body !== undefined)
        headers['content-length'] = String(Buffer.byteLength(spec.body));
    const options = { method: spec.method, headers, agent: secure ? httpsAgentFor(url.host) : httpAgentFor(url.host) };
    return new Promise((resolve, reject) => {
        const req = (secure ? external_node_https_.request : external_node_http_.request)(url, options, (res) => {
            res.setTimeout(spec.stallMs, () => res.destroy(new NetworkError(`${url.host}: no data for ${spec.stallMs / 1000} s`, 'ESTALLED', false)));
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
        });
        req.setTimeout(spec.stallMs, () => req.destroy(Object.assign(new Error(`no answer for ${spec.stallMs / 1000} s`), { code: 'ESTALLED' })));
        req.on('error', (error) => reject(error instanceof NetworkError ? error : describeNetwork(error, url)));
        req.end(spec.body);
    });
}
/** Drain and drop a body we do not read, so its connection goes back to the pool. */
function discard(response) {
    response.body.on('error', () => undefined);
    response.body.resume();
}
/**
 * Send a request and follow redirects. The Authorization header goes to the request's own origin only: a
 * registry sending a blob to storage on another host (S3, a CDN) must not hand that host its token.
 */
async function send(spec) {
    let url = spec.url;
    let authorization = spec.authorization;
    for (let redirects = 0;; redirects++) {
        const response = await sendOnce(spec, url, authorization);
        const location = response.headers.location;
        if (!REDIRECTS.has(response.status) || location === undefined || spec.method === 'POST')
            return response;
        discard(response);
        if (redirects >= MAX_REDIRECTS)
            throw new NetworkError(`${spec.url.host}: more than ${MAX_REDIRECTS} redirects`, 'ETOOMANYREDIRECTS', true);
        const next = new URL(location, url);
        if (next.protocol !== 'https:' && next.protocol !== 'http:')
            throw new NetworkError(`${url.host}: redirect to ${next.protocol} URL`, 'EBADREDIRECT', true);
        if (!sameOrigin(next, spec.url))
            authorization = undefined;
        spec.onRedirect?.(url, next, authorization !== undefined);
        url = next;
    }
}
/** The body as one Buffer, refusing more than `limit` bytes (declared or sent). */
async function readBody(response, limit, what) {
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > limit) {
        discard(response);
        throw new BodyTooLarge(`${what} is ${declared} bytes, more than the ${limit} allowed`);
    }
    const chunks = [];
    let length = 0;
    try {
        for await (const chunk of response.body) {
            length += chunk.length;
            if (length > limit) {
                response.body.destroy();
                throw new BodyTooLarge(`${what} is more than the ${limit} bytes allowed`);
            }
            chunks.push(chunk);
        }
    }
    catch (error) {
        if (error instanceof BodyTooLarge || error instanceof NetworkError)
            throw error;
        const code = error.code ?? 'ECONNRESET';
        throw new NetworkError(`${response.url.host}: the answer broke off (${error.message})`, code, false);
    }
    return Buffer.concat(chunks, length);
}
class BodyTooLarge extends Error {
    name = 'BodyTooLarge';
}

// EXTERNAL MODULE: ./src/oci/schemas.ts
var schemas = __webpack_require__(8777);
// EXTERNAL MODULE: ./src/oci/digest.ts
var oci_digest = __webpack_require__(8825);
;// CONCATENATED MODULE: ./src/sources/registry/digests.ts


/** The digest, in a form we can verify (src/oci/digest.ts: sha256, sha512); an InputError naming `what` otherwise. */
function checkedDigest(digest, what) {
    const parsed = (0,oci_digest/* parseDigest */.m)(digest);
    if (!(0,oci_digest/* isParsedDigest */.gp)(parsed))
        throw new errors/* InputError */.d(`${what}: ${parsed.error}`);
    return parsed;
}
/** Throws an InputError naming `what` unless `bytes` hash to `digest`. */
function verifyDigest(bytes, digest, what) {
    const actual = (0,oci_digest/* digestOf */.ol)(checkedDigest(digest, what).algorithm, bytes);
    if (actual !== digest)
        throw new errors/* InputError */.d(`${what}: digest mismatch: expected ${digest}, the bytes hash to ${actual}`);
}

;// CONCATENATED MODULE: ./src/sources/registry/manifests.ts





/** containerd's bound on a manifest or index: a registry cannot make us hold more than this for one document. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A config larger than this is not an image config (they are kilobytes), whatever its descriptor says. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** Every kind of manifest we can read, in the Accept header: an image's and a multi-platform index's, OCI and Docker. */
const MANIFEST_ACCEPT = [schemas/* mediaTypes */.Ib.ociIndex, schemas/* mediaTypes */.Ib.ociManifest, schemas/* mediaTypes */.Ib.dockerManifestList, schemas/* mediaTypes */.Ib.dockerManifest].join(', ');
function contentType(response) {
    return String(response.headers['content-type'] ?? '').split(';')[0].trim();
}
async function boundedBody(response, limit, what, display) {
    try {
        return await readBody(response, limit, what);
    }
    catch (error) {
        if (error instanceof BodyTooLarge)
            throw new RegistryError(`${display}: ${error.message}`, { kind: 'invalid' });
        throw error;
    }
}
/** The media type a manifest states for itself, when its Content-Type says nothing useful. */
function declaredMediaType(bytes) {
    try {
        const value = JSON.parse(bytes.toString('utf8'));
        if (typeof value.mediaType === 'string')
            return value.mediaType;
        if (value.schemaVersion === 1)
            return 'application/vnd.docker.distribution.manifest.v1+json';
        return Array.isArray(value.manifests) ? schemas/* mediaTypes */.Ib.ociIndex : schemas/* mediaTypes */.Ib.ociManifest;
    }
    catch {
        return undefined;
    }
}
/** GET a manifest by tag or digest, bounded, verified (by digest: against it; by tag: against the registry's Docker-Content-Digest). */
async function fetchManifest(client, location, reference) {
    const byDigest = reference.includes(':');
    const what = byDigest ? `manifest ${reference}` : undefined;
    if (byDigest)
        checkedDigest(reference, location.display);
    const response = await client.request({
        method: 'GET',
        path: `/v2/${location.repository}/manifests/${reference}`,
        repository: location.repository,
        display: location.display,
        ...(what ? { what } : {}),
        headers: { accept: MANIFEST_ACCEPT },
    });
    const bytes = await boundedBody(response, MAX_MANIFEST_BYTES, `the manifest ${reference}`, location.display);
    const stated = contentType(response);
    const mediaType = stated && stated !== 'application/json' && stated !== 'text/plain' ? stated : (declaredMediaType(bytes) ?? stated);
    if (mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
        throw new RegistryError(`${location.display}: the registry has only a schema 1 manifest (${mediaType}), which Docker no longer reads; push the image again with a current tool`, { kind: 'invalid' });
    }
    if (byDigest) {
        verifyDigest(bytes, reference, `${location.display}: manifest`);
        return { bytes, mediaType, digest: reference };
    }
    const digest = 'sha256:' + (0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex');
    const header = response.headers['docker-content-digest'];
    const said = Array.isArray(header) ? header[0] : header;
    if (said?.startsWith('sha256:') && said !== digest) {
        throw new RegistryError(`${location.display}: manifest digest mismatch: the registry says ${said}, the bytes hash to ${digest}`, { kind: 'invalid' });
    }
    return { bytes, mediaType, digest };
}
/** GET a small blob (an image config) whose descriptor is known: exactly its size, verified against its digest. */
async function fetchSmallBlob(client, location, digest, size) {
    checkedDigest(digest, location.display);
    if (size > MAX_CONFIG_BYTES)
        throw new RegistryError(`${location.display}: config ${digest} is ${size} bytes by its descriptor, more than the ${MAX_CONFIG_BYTES} allowed`, { kind: 'invalid' });
    const response = await client.request({ method: 'GET', path: `/v2/${location.repository}/blobs/${digest}`, repository: location.repository, display: location.display, what: `blob ${digest}` });
    const bytes = await boundedBody(response, size, `blob ${digest}`, location.display);
    if (bytes.length !== size)
        throw new RegistryError(`${location.display}: blob ${digest} is ${bytes.length} bytes, its descriptor says ${size}`, { kind: 'invalid' });
    verifyDigest(bytes, digest, `${location.display}: blob`);
    return bytes;
}
/** The descriptors a document points to: an index's manifests, a manifest's config. Lenient: the resolver validates. */
function children(bytes) {
    try {
        const value = JSON.parse(bytes.toString('utf8'));
        const described = (d, kind) => d && typeof d.digest === 'string' && typeof d.size === 'number' ? [[d.digest, { kind, size: d.size }]] : [];
        return [...(value.manifests ?? []).flatMap((m) => described(m, 'manifest')), ...described(value.config, 'blob')];
    }
    catch {
        return [];
    }
}
/**
 * The registry seen as a read-only OCI image layout, so that the very resolver of layouts and archives picks
 * the platform, skips attestation manifests and checks the config against the manifest: `index.json` names
 * the document the reference points to, and `blobs/<alg>/<hex>` fetches a manifest or a config by digest —
 * which one each digest is, and its size, is known from the document that named it.
 */
function registryAsLayout(client, location, top) {
    const documents = new Map([[top.digest, top.bytes]]);
    const known = new Map(children(top.bytes));
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: top.mediaType, digest: top.digest, size: top.bytes.length }] }));
    // The resolver's caps (DOCUMENT_LIMITS) are at or above ours: a manifest at most MAX_MANIFEST_BYTES, a config its descriptor's size.
    const read = async (path) => {
        if (path === 'index.json')
            return index;
        const match = /^blobs\/([^/]+)\/([^/]+)$/.exec(path);
        if (!match)
            throw new RegistryError(`${location.display}: ${path} is not something a registry holds`, { kind: 'invalid' });
        const digest = `${match[1]}:${match[2]}`;
        const held = documents.get(digest);
        if (held)
            return held;
        const descriptor = known.get(digest);
        if (!descriptor)
            throw new RegistryError(`${location.display}: ${digest} is named by no document read so far`, { kind: 'invalid' });
        let bytes;
        if (descriptor.kind === 'manifest') {
            if (descriptor.size > MAX_MANIFEST_BYTES)
                throw new RegistryError(`${location.display}: manifest ${digest} is ${descriptor.size} bytes by its descriptor, more than the ${MAX_MANIFEST_BYTES} allowed`, { kind: 'invalid' });
            bytes = (await fetchManifest(client, location, digest)).bytes;
            if (bytes.length !== descriptor.size)
                throw new RegistryError(`${location.display}: manifest ${digest} is ${bytes.length} bytes, its descriptor says ${descriptor.size}`, { kind: 'invalid' });
            for (const [child, info] of children(bytes))
                known.set(child, info);
        }
        else {
            bytes = await fetchSmallBlob(client, location, digest, descriptor.size);
        }
        documents.set(digest, bytes);
        return bytes;
    };
    return { read, keyOf: (path) => path };
}

// EXTERNAL MODULE: ./src/reference.ts
var reference = __webpack_require__(8286);
// EXTERNAL MODULE: ./src/sources/resolve-image.ts
var resolve_image = __webpack_require__(3410);
;// CONCATENATED MODULE: ./src/sources/registry/retry.ts

function numberFromEnv(name, fallback) {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value >= 0 ? value : fallback;
}
/** IMAGE_HYGIENE_REGISTRY_ATTEMPTS / _BACKOFF_MS tune it (tests of the retries keep it short). */
function retryPolicy() {
    return {
        attempts: Math.max(1, Math.floor(numberFromEnv('IMAGE_HYGIENE_REGISTRY_ATTEMPTS', 5))),
        firstDelayMs: numberFromEnv('IMAGE_HYGIENE_REGISTRY_BACKOFF_MS', 500),
        maxDelayMs: 60_000,
    };
}
/** No data for this long fails a request (and a blob resumes where it stopped). IMAGE_HYGIENE_REGISTRY_STALL_MS. */
function stallTimeoutMs() {
    return numberFromEnv('IMAGE_HYGIENE_REGISTRY_STALL_MS', 30_000) || 30_000;
}
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ESTALLED', 'ERR_STREAM_PREMATURE_CLOSE', 'ESHORTBODY', 'HPE_INVALID_CHUNK_SIZE']);
function isTransientStatus(status) {
    return TRANSIENT_STATUS.has(status);
}
function isTransientError(error) {
    return error instanceof NetworkError && TRANSIENT_NETWORK.has(error.code);
}
/** Seconds, or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header, now = Date.now()) {
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || value.trim() === '')
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/** The wait before attempt `attempt + 1` (attempt counts from 1): Retry-After when given, else doubling. */
function backoffMs(policy, attempt, retryAfter) {
    if (retryAfter !== undefined)
        return retryAfter;
    return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
}
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

;// CONCATENATED MODULE: ./src/sources/registry/blob-stream.ts



/** A hard bound on resumes of one blob, even when each one makes progress. */
const MAX_RESUMES = 50;
/**
 * Write the body of one response into `sink` from byte `copy.received` of the blob on, with backpressure,
 * until the blob's `size` bytes are in. A 200 to a Range request (a server that ignores Range) is read from
 * the start with the bytes already written skipped: no byte reaches the sink twice. Rejects with a
 * NetworkError when the body breaks off, so that the caller resumes.
 */
function copyBody(response, sink, copy, size, what) {
    let skip = 0;
    if (copy.received > 0 && response.status === 200)
        skip = copy.received;
    else if (copy.received > 0) {
        const range = /^bytes (\d+)-/.exec(String(response.headers['content-range'] ?? ''));
        if (!range || Number(range[1]) !== copy.received) {
            discard(response);
            return Promise.reject(new RegistryError(`${what}: the registry resumed at ${range?.[1] ?? 'an unknown byte'}, not at byte ${copy.received} as asked`, { kind: 'invalid' }));
        }
    }
    const body = response.body;
    return new Promise((resolve, reject) => {
        let done = false;
        const finish = (error) => {
            if (done)
                return;
            done = true;
            sink.off('error', onSinkError);
            if (error) {
                body.destroy();
                reject(error);
            }
            else
                resolve();
        };
        const onSinkError = (error) => finish(error);
        sink.once('error', onSinkError);
        body.on('data', (chunk) => {
            if (done)
                return;
            if (skip > 0) {
                if (chunk.length <= skip)
                    return void (skip -= chunk.length);
                chunk = chunk.subarray(skip);
                skip = 0;
            }
            if (copy.received + chunk.length > size)
                return finish(new RegistryError(`${what}: the registry sent more than the ${size} bytes its descriptor says`, { kind: 'invalid' }));
            copy.received += chunk.length;
            if (!sink.write(chunk)) {
                body.pause();
                sink.once('drain', () => body.resume());
            }
        });
        body.once('end', () => {
            if (copy.received < size)
                finish(new NetworkError('the body ended early', 'ESHORTBODY', false));
            else
                finish();
        });
        body.once('error', (error) => finish(error instanceof NetworkError ? error : new NetworkError(error.message, error.code ?? 'ECONNRESET', false)));
        body.once('aborted', () => finish(new NetworkError('the connection closed mid-body', 'ECONNRESET', false)));
    });
}
function endSink(sink) {
    return new Promise((resolve, reject) => {
        sink.once('error', reject);
        sink.end(() => resolve());
    });
}
/**
 * Stream one layer blob into `sink` as its bytes arrive, never holding it: a connection that breaks or
 * stalls is resumed with a Range request at the byte it stopped at (the sink, which has parsed everything
 * before, sees each byte once). The engine verifies the blob against its digest and diff id, as for every source.
 */
async function streamBlob(client, location, digest, size, sink, watcher = {}) {
    const what = `${location.display}: blob ${digest}`;
    // Failures reach the reader through destroy(), and the engine through the reader: never as an unheard 'error'.
    sink.on('error', () => undefined);
    const policy = retryPolicy();
    const copy = { received: 0 };
    let failures = 0;
    for (let resumes = 0;; resumes++) {
        const from = copy.received;
        try {
            const response = await client.request({
                method: 'GET',
                path: `/v2/${location.repository}/blobs/${digest}`,
                repository: location.repository,
                display: location.display,
                what: `blob ${digest}`,
                ...(from > 0 ? { headers: { range: `bytes=${from}-` } } : {}),
                ...(watcher.onRedirect ? { onRedirect: watcher.onRedirect } : {}),
            });
            await copyBody(response, sink, copy, size, what);
            break;
        }
        catch (error) {
            if (!isTransientError(error)) {
                sink.destroy(error);
                throw error;
            }
            failures = copy.received > from ? 1 : failures + 1; // a try that moved the blob on starts the count again
            if (failures >= policy.attempts || resumes >= MAX_RESUMES) {
                const detail = error.message.replace(/^[^\s:]+:\d+: /, ''); // a stall names its host first
                const failure = new RegistryError(`${what}: ${detail} at byte ${copy.received} of ${size} (after ${resumes + 1} attempts)`, { kind: 'unreachable' });
                sink.destroy(failure);
                throw failure;
            }
            await sleep(backoffMs(policy, failures));
            watcher.onResume?.(digest, copy.received);
        }
    }
    await endSink(sink);
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var classic_schemas = __webpack_require__(8816);
// EXTERNAL MODULE: ./src/sources/docker-auth.ts
var docker_auth = __webpack_require__(555);
;// CONCATENATED MODULE: ./src/sources/registry/auth.ts





/**
 * Authorization for one registry, the way the Docker CLI and containerd do it: anonymous first; when the
 * registry challenges, a Bearer token from its token service (realm, service, scope: a GET with Basic
 * credentials when known, an OAuth2 POST with a refresh token when config.json holds an identity token), or
 * Basic credentials on every request. Tokens are kept per scope until shortly before they expire.
 */
const tokenSchema = classic_schemas/* looseObject */._H3({
    token: classic_schemas/* string */.YjP().optional(),
    access_token: classic_schemas/* string */.YjP().optional(),
    expires_in: classic_schemas/* number */.aig().optional(),
    issued_at: classic_schemas/* string */.YjP().optional(),
});
/** Docker's floor for a token's lifetime when the service states none, or less. */
const MIN_TOKEN_SECONDS = 60;
const TOKEN_MARGIN_MS = 10_000;
const TOKEN_RESPONSE_LIMIT = 1024 * 1024;
function basic(credentials) {
    if (credentials.username === undefined || credentials.password === undefined)
        return undefined;
    return 'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
}
class Authorizer {
    configHost;
    challenge;
    tokens = new Map();
    credentials;
    constructor(configHost) {
        this.configHost = configHost;
    }
    /** Where credentials came from, for messages; undefined when there were none. */
    async credentialSource() {
        return (await this.loadCredentials())?.source;
    }
    /** Learnt from the registry's `/v2/` answer or from any 401. */
    setChallenge(challenge) {
        this.challenge = challenge;
    }
    get scheme() {
        return this.challenge?.scheme;
    }
    loadCredentials() {
        this.credentials ??= (0,docker_auth/* findCredentials */.gD)(this.configHost);
        return this.credentials;
    }
    /** The Authorization header for a request in `scope`, or undefined to go anonymous. */
    async header(scope, context) {
        const challenge = this.challenge;
        if (!challenge)
            return undefined;
        if (challenge.scheme === 'basic') {
            const credentials = await this.loadCredentials();
            return credentials ? basic(credentials) : undefined;
        }
        if (challenge.scheme !== 'bearer')
            return undefined;
        let pending = this.tokens.get(scope);
        if (pending) {
            const token = await pending.catch(() => undefined);
            if (token && token.expiresAt > Date.now())
                return `Bearer ${token.value}`;
        }
        pending = this.fetchToken(challenge, scope, context);
        this.tokens.set(scope, pending);
        pending.catch(() => this.tokens.delete(scope));
        return `Bearer ${(await pending).value}`;
    }
    /** A 401 with a token: drop it, so the next request asks for a fresh one. */
    forget(scope) {
        this.tokens.delete(scope);
    }
    async fetchToken(challenge, scope, context) {
        const realm = challenge.params.realm;
        if (!realm)
            throw new RegistryError(`${context.display}: the registry asks for a Bearer token but names no realm to get it from`, { kind: 'refused' });
        let url;
        try {
            url = new URL(realm);
        }
        catch {
            throw new RegistryError(`${context.display}: the token realm "${realm}" is not a URL`, { kind: 'refused' });
        }
        const credentials = await this.loadCredentials();
        const service = challenge.params.service;
        // A challenge's own scope (a 401 on a request) may ask for more than pull; ours is what we need.
        const scopes = [...new Set([scope, ...(challenge.params.scope ? challenge.params.scope.split(' ') : [])])].filter(Boolean);
        const response = await context.retrying(() => (credentials?.identityToken ? this.oauthRequest(url, service, scopes, credentials, context) : this.getRequest(url, service, scopes, credentials, context)), `token from ${url.host}`);
        const text = await readBody(response, TOKEN_RESPONSE_LIMIT, `the token from ${url.host}`);
        const body = (0,schemas/* parseJson */.qF)(tokenSchema, text, `${context.display}: the token from ${url.origin}${url.pathname}`);
        const value = body.token || body.access_token;
        if (!value)
            throw new RegistryError(`${context.display}: the token service ${url.origin}${url.pathname} answered without a token`, { kind: 'refused' });
        const seconds = Math.max(body.expires_in ?? MIN_TOKEN_SECONDS, MIN_TOKEN_SECONDS);
        return { value, expiresAt: Date.now() + seconds * 1000 - TOKEN_MARGIN_MS };
    }
    /** GET realm?service&scope, with Basic credentials when there are (the docker CLI's way). */
    getRequest(realm, service, scopes, credentials, context) {
        const url = new URL(realm);
        if (service)
            url.searchParams.set('service', service);
        for (const scope of scopes)
            url.searchParams.append('scope', scope);
        if (credentials?.username)
            url.searchParams.set('account', credentials.username);
        const authorization = credentials ? basic(credentials) : undefined;
        return send({ method: 'GET', url, stallMs: context.stallMs, ...(authorization ? { authorization } : {}) });
    }
    /** POST grant_type=refresh_token (an identity token from `docker login`), as the docker CLI does. */
    async oauthRequest(realm, service, scopes, credentials, context) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'image-hygiene', access_type: 'offline' });
        if (service)
            form.set('service', service);
        form.set('scope', scopes.join(' '));
        const response = await send({
            method: 'POST',
            url: realm,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: form.toString(),
            stallMs: context.stallMs,
        });
        if (response.status !== 404 && response.status !== 405)
            return response;
        discard(response); // a token service without OAuth2: the plain GET
        return this.getRequest(realm, service, scopes, credentials, context);
    }
}

;// CONCATENATED MODULE: ./src/sources/registry/challenge.ts
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
/**
 * Parse a WWW-Authenticate header (RFC 7235): challenges separated by commas, each a scheme and its
 * comma-separated `name=value` parameters (values a token or a quoted string). A token68 is kept as `token68`.
 * Linear in the header's length; anything unreadable ends the parse with what was read so far.
 */
function parseChallenges(header) {
    const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
    const challenges = [];
    let at = 0;
    const skip = (pattern) => {
        const match = pattern.exec(text.slice(at, at + 256));
        if (match)
            at += match[0].length;
    };
    const token = () => {
        const match = TOKEN.exec(text.slice(at, at + 1024));
        if (!match)
            return undefined;
        at += match[0].length;
        return match[0];
    };
    const quoted = () => {
        let value = '';
        for (at++; at < text.length && text[at] !== '"'; at++) {
            if (text[at] === '\\' && at + 1 < text.length)
                at++;
            value += text[at];
        }
        at++; // the closing quote
        return value;
    };
    let current;
    while (at < text.length) {
        skip(/^[\s,]+/);
        const start = at;
        const word = token();
        if (word === undefined)
            break;
        skip(/^[ \t]*/);
        if (current && text[at] === '=') {
            at++;
            skip(/^[ \t]*/);
            const value = text[at] === '"' ? quoted() : (token() ?? '');
            current.params[word.toLowerCase()] = value;
            continue;
        }
        // A new challenge: a scheme, then perhaps a token68 or its first parameter.
        at = start + word.length;
        current = { scheme: word.toLowerCase(), params: {} };
        challenges.push(current);
        skip(/^[ \t]+/);
        const token68 = /^[A-Za-z0-9._~+/-]+=*(?=\s*(,|$))/.exec(text.slice(at, at + 4096));
        if (token68 && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^=]/.test(text.slice(at, at + 1024))) {
            current.params.token68 = token68[0];
            at += token68[0].length;
        }
    }
    return challenges;
}

;// CONCATENATED MODULE: ./src/sources/registry/client.ts






const ERROR_BODY_LIMIT = 64 * 1024;
/** Codes that mean "this server does not speak TLS": a loopback or insecure registry is then tried over HTTP. */
const NOT_TLS = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'ECONNRESET']);
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|ERR_TLS_CERT_ALTNAME|HOSTNAME_MISMATCH/;
function unreachable(display, host, error, attempts) {
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    if (CERTIFICATE.test(error.code)) {
        return new RegistryError(`${display}: TLS with ${host} failed (${error.code}: ${error.message.replace(/^[^:]*: /, '')}); add the registry's CA to ${CERTS_D}/${host}/ca.crt or NODE_EXTRA_CA_CERTS`, { kind: 'unreachable', cause: error });
    }
    return new RegistryError(`${display}: cannot reach the registry ${host} (${error.code}: ${error.message.replace(/^[^:]*: /, '')})${tries}`, { kind: 'unreachable', cause: error });
}
/** The challenge to answer: Bearer when offered (the token flow), else Basic. */
function preferred(challenges) {
    return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
/**
 * One registry's API: where it answers (HTTPS, or HTTP for loopback and insecure registries that do not speak
 * TLS), its authorization, and requests with retries. Shared by every image read from that registry in a
 * process (an audit and its compare-to), so the token and the connections are reused.
 */
class RegistryClient {
    host;
    static clients = new Map();
    static for(apiHost, configHost) {
        const key = `${apiHost} ${configHost}`;
        let client = RegistryClient.clients.get(key);
        if (!client) {
            client = new RegistryClient(apiHost, configHost);
            RegistryClient.clients.set(key, client);
        }
        return client;
    }
    auth;
    origin;
    constructor(host, configHost) {
        this.host = host;
        this.auth = new Authorizer(configHost);
    }
    /** `GET /v2/` once: which scheme answers, and what authorization it asks for. */
    base(display) {
        this.origin ??= this.ping(display);
        this.origin.catch(() => (this.origin = undefined)); // asked again by the next request
        return this.origin;
    }
    async ping(display) {
        const ping = (origin) => () => send({ method: 'GET', url: new URL('/v2/', origin), stallMs: stallTimeoutMs() });
        let origin = new URL(`https://${this.host}`);
        let response;
        if (isLoopback(this.host) || isInsecure(this.host)) {
            // One HTTPS try: a server that does not speak TLS answers it at once, and is then asked over HTTP.
            try {
                response = await ping(origin)();
            }
            catch (error) {
                const downgrade = error instanceof NetworkError && (NOT_TLS.has(error.code) || (isInsecure(this.host) && CERTIFICATE.test(error.code)));
                if (!downgrade && !isTransientError(error))
                    throw error instanceof NetworkError ? unreachable(display, this.host, error, 1) : error;
                if (downgrade)
                    origin = new URL(`http://${this.host}`);
                response = await this.withRetries(display, ping(origin));
            }
        }
        else {
            response = await this.withRetries(display, ping(origin));
        }
        discard(response);
        if (response.status === 401)
            this.auth.setChallenge(preferred(parseChallenges(response.headers['www-authenticate'])));
        return origin;
    }
    /**
     * Send `attempt` until it gives an answer that is not transient, waiting between tries (Retry-After, else
     * backoff). A network failure on the last try is a RegistryError of kind `unreachable`.
     */
    async withRetries(display, attempt) {
        const policy = retryPolicy();
        for (let tries = 1;; tries++) {
            let response;
            try {
                response = await attempt();
            }
            catch (error) {
                if (!(error instanceof NetworkError))
                    throw error;
                if (tries >= policy.attempts || !isTransientError(error))
                    throw unreachable(display, this.host, error, tries);
                await sleep(backoffMs(policy, tries));
                continue;
            }
            if (!isTransientStatus(response.status) || tries >= policy.attempts)
                return Object.assign(response, { attempts: tries });
            const wait = backoffMs(policy, tries, retryAfterMs(response.headers['retry-after']));
            if (wait > policy.maxDelayMs)
                return Object.assign(response, { attempts: tries });
            discard(response);
            await sleep(wait);
        }
    }
    /**
     * A request with authorization and retries; resolves to a 2xx answer (the caller reads or discards its body),
     * throws a one-line RegistryError for anything else.
     */
    async request(spec) {
        const origin = await this.base(spec.display);
        const scope = `repository:${spec.repository}:pull`;
        const context = {
            stallMs: stallTimeoutMs(),
            display: spec.display,
            retrying: async (attempt, what) => this.checked({ display: spec.display, what }, await this.withRetries(spec.display, attempt)),
        };
        let challenged = false;
        for (;;) {
            const authorization = await this.auth.header(scope, context);
            const response = await this.withRetries(spec.display, () => send({
                method: spec.method,
                url: new URL(spec.path, origin),
                stallMs: context.stallMs,
                ...(spec.headers ? { headers: spec.headers } : {}),
                ...(authorization ? { authorization } : {}),
                ...(spec.onRedirect ? { onRedirect: spec.onRedirect } : {}),
            }));
            if (response.status === 401 && !challenged) {
                // A registry may answer /v2/ openly and still guard a repository, or a token may have expired.
                const challenge = preferred(parseChallenges(response.headers['www-authenticate']));
                if (challenge && (challenge.scheme !== 'basic' || !authorization)) {
                    challenged = true;
                    discard(response);
                    this.auth.setChallenge(challenge);
                    this.auth.forget(scope);
                    continue;
                }
            }
            return this.checked(spec, response);
        }
    }
    /** The answer if it is a success; otherwise its error body read (bounded) into one line. */
    async checked(spec, response) {
        if (response.status >= 200 && response.status < 300)
            return response;
        const body = await readBody(response, ERROR_BODY_LIMIT, 'error').catch(() => Buffer.alloc(0));
        const error = statusError(spec.display, this.host, response.status, body, spec.what, await this.auth.credentialSource());
        const attempts = response.attempts ?? 1;
        if (attempts > 1)
            throw new RegistryError(`${error.message} (after ${attempts} attempts)`, { kind: error.kind, status: response.status });
        throw error;
    }
}

;// CONCATENATED MODULE: ./src/sources/registry/open.ts






/** How many layer blobs are downloaded (and decompressed, hashed, parsed) at once. IMAGE_HYGIENE_REGISTRY_PARALLEL. */
function parallelDownloads() {
    const value = Number(process.env.IMAGE_HYGIENE_REGISTRY_PARALLEL);
    return Number.isInteger(value) && value > 0 ? value : 4;
}
/** Where a reference lives and the client for its registry; an InputError when it is not a reference. */
function registryImage(ref) {
    const parsed = (0,reference/* parseReference */.F2)(ref);
    if (!parsed)
        throw new errors/* InputError */.d(`${ref}: not a valid image reference`);
    const location = (0,reference/* registryLocation */.bL)(parsed);
    return { location, client: RegistryClient.for(location.apiHost, parsed.registry) };
}
/** The manifest (or index) a reference points to, from its registry. */
function fetchTop(image) {
    return fetchManifest(image.client, image.location, image.location.reference);
}
/**
 * An image read straight from its registry over the distribution API, no engine involved: the manifest
 * resolved as any OCI layout is (platform, attestations skipped), then every layer blob offered to the engine
 * as fetched on demand, so that it downloads several at once and reads each as its bytes arrive.
 */
async function openRegistryImage(ref, options, watcher, top) {
    const image = registryImage(ref);
    const { location, client } = image;
    const fetched = top ?? (await fetchTop(image));
    const resolved = await (0,resolve_image/* resolveOciLayout */.GL)(registryAsLayout(client, location, fetched), location.display, options);
    // The digest the reference points to (an index's, for a multi-platform tag): the one to pin or pull by.
    const meta = { ...resolved, ref, digest: fetched.digest };
    const sizes = new Map(meta.layers.map((layer) => [layer.key, layer.size ?? 0]));
    const active = new Set();
    async function* blobs() {
        for (const layer of meta.layers) {
            if (!sizes.has(layer.key))
                continue; // a layer listed twice is read once
            const size = sizes.get(layer.key);
            sizes.delete(layer.key);
            const digest = layer.digest;
            yield {
                key: layer.key,
                name: `${location.display}: blob ${digest}`,
                size,
                fetched: true,
                pipeTo: async (sink) => {
                    active.add(sink);
                    try {
                        await streamBlob(client, location, digest, size, sink, watcher);
                    }
                    finally {
                        active.delete(sink);
                    }
                },
            };
        }
    }
    return {
        label: location.display,
        blobs,
        meta: async () => meta,
        parallelReads: parallelDownloads(),
        // After a failure elsewhere, the downloads still under way stop here rather than run to their end.
        close: async () => {
            for (const sink of active)
                sink.destroy(new Error('the audit stopped'));
        },
    };
}

;// CONCATENATED MODULE: ./src/sources/registry/digest.ts





/**
 * The digest a reference points to, from its registry: a manifest HEAD's Docker-Content-Digest, which for a
 * multi-platform tag is the index's, so a pin by it works on every platform. A registry that states no
 * digest is asked for the manifest itself, which is then hashed.
 */
async function registryDigest(ref) {
    const { client, location } = registryImage(ref);
    const request = { path: `/v2/${location.repository}/manifests/${location.reference}`, repository: location.repository, display: location.display, headers: { accept: MANIFEST_ACCEPT } };
    const head = await client.request({ ...request, method: 'HEAD' });
    discard(head);
    const stated = head.headers['docker-content-digest'];
    const digest = Array.isArray(stated) ? stated[0] : stated;
    if (digest && /^sha256:[a-f0-9]{64}$/.test(digest))
        return digest;
    const top = await fetchTop({ client, location });
    if (!top.digest.startsWith('sha256:'))
        throw new RegistryError(`${location.display}: the registry names no sha256 digest`, { kind: 'invalid' });
    return 'sha256:' + (0,external_node_crypto_.createHash)('sha256').update(top.bytes).digest('hex');
}

;// CONCATENATED MODULE: ./src/sources/registry/index.ts





/***/ })

};
;