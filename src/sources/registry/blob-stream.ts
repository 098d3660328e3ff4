import type { Writable } from 'node:stream';
import type { RegistryLocation } from '../../reference.js';
import type { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { NetworkError, discard, type HttpResponse } from './http.js';
import { backoffMs, isTransientError, retryPolicy, sleep } from './retry.js';

/** Observes a layer download (tests, the benchmark): each response and each resume. */
export interface BlobWatcher {
  onResume?(digest: string, offset: number): void;
  onRedirect?(from: URL, to: URL, keptAuthorization: boolean): void;
}

/** A hard bound on resumes of one blob, even when each one makes progress. */
const MAX_RESUMES = 50;

interface Copy {
  received: number;
}

/**
 * Write the body of one response into `sink` from byte `copy.received` of the blob on, with backpressure,
 * until the blob's `size` bytes are in. A 200 to a Range request (a server that ignores Range) is read from
 * the start with the bytes already written skipped: no byte reaches the sink twice. Rejects with a
 * NetworkError when the body breaks off, so that the caller resumes.
 */
function copyBody(response: HttpResponse, sink: Writable, copy: Copy, size: number, what: string): Promise<void> {
  let skip = 0;
  if (copy.received > 0 && response.status === 200) skip = copy.received;
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
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      sink.off('error', onSinkError);
      if (error) {
        body.destroy();
        reject(error);
      } else resolve();
    };
    const onSinkError = (error: Error): void => finish(error);
    sink.once('error', onSinkError);
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      if (skip > 0) {
        if (chunk.length <= skip) return void (skip -= chunk.length);
        chunk = chunk.subarray(skip);
        skip = 0;
      }
      if (copy.received + chunk.length > size) return finish(new RegistryError(`${what}: the registry sent more than the ${size} bytes its descriptor says`, { kind: 'invalid' }));
      copy.received += chunk.length;
      if (!sink.write(chunk)) {
        body.pause();
        sink.once('drain', () => body.resume());
      }
    });
    body.once('end', () => {
      if (copy.received < size) finish(new NetworkError('the body ended early', 'ESHORTBODY', false));
      else finish();
    });
    body.once('error', (error: NodeJS.ErrnoException) => finish(error instanceof NetworkError ? error : new NetworkError(error.message, error.code ?? 'ECONNRESET', false)));
    body.once('aborted', () => finish(new NetworkError('the connection closed mid-body', 'ECONNRESET', false)));
  });
}

function endSink(sink: Writable): Promise<void> {
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
export async function streamBlob(
  client: RegistryClient,
  location: RegistryLocation,
  digest: string,
  size: number,
  sink: Writable,
  watcher: BlobWatcher = {},
): Promise<void> {
  const what = `${location.display}: blob ${digest}`;
  // Failures reach the reader through destroy(), and the engine through the reader: never as an unheard 'error'.
  sink.on('error', () => undefined);
  const policy = retryPolicy();
  const copy: Copy = { received: 0 };
  let failures = 0;
  for (let resumes = 0; ; resumes++) {
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
    } catch (error) {
      if (!isTransientError(error)) {
        sink.destroy(error as Error);
        throw error;
      }
      failures = copy.received > from ? 1 : failures + 1; // a try that moved the blob on starts the count again
      if (failures >= policy.attempts || resumes >= MAX_RESUMES) {
        const detail = (error as Error).message.replace(/^[^\s:]+:\d+: /, ''); // a stall names its host first
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
