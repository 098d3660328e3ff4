import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localEngineSocket } from '../../src/sources/engine-socket.js';
import { getOnSocket, readAllText } from '../../src/sources/socket-body.js';

const dir = mkdtempSync(join(tmpdir(), 'image-hygiene-socket-body-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;

/** A server that answers every connection with `raw`, written in pieces of `piece` bytes, one per turn. */
async function serve(raw: Buffer, piece: number, cut = false): Promise<{ path: string; close(): void }> {
  const path = join(dir, `s${serial++}.sock`);
  const server = createServer((socket: Socket) => {
    socket.once('data', async () => {
      for (let offset = 0; offset < raw.length; offset += piece) {
        socket.write(raw.subarray(offset, offset + piece));
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (cut) socket.destroy();
      else socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, close: () => server.close() };
}

function chunked(parts: Buffer[], head = 'HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n'): Buffer {
  const framed = parts.flatMap((part) => [Buffer.from(part.length.toString(16) + '\r\n'), part, Buffer.from('\r\n')]);
  return Buffer.concat([Buffer.from(head), ...framed, Buffer.from('0\r\n\r\n')]);
}

/** Bytes 0..n-1 of a pattern no two offsets of which look alike by accident. */
function pattern(n: number, seed: number): Buffer {
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return bytes;
}

async function body(path: string): Promise<{ status: number; bytes: Buffer }> {
  const response = await getOnSocket(path, '/images/x/get');
  const parts: Buffer[] = [];
  for (let chunk = await response.body.next(); chunk !== null; chunk = await response.body.next()) parts.push(Buffer.from(chunk));
  response.body.close();
  return { status: response.status, bytes: Buffer.concat(parts) };
}

describe('an HTTP body read from a unix socket into one reused buffer', () => {
  const parts = [pattern(1, 1), pattern(5000, 2), pattern(70_000, 3), pattern(3, 4), pattern(1_500_000, 5)];
  const expected = Buffer.concat(parts);

  it.each([1, 2, 3, 7, 512, 65_536, 10_000_000])('decodes a chunked body written %i bytes at a time', async (piece) => {
    // Single bytes split every CRLF, size line and header; large pieces put head, sizes and data in one read.
    const server = await serve(chunked(piece <= 3 ? parts.slice(0, 4) : parts), piece);
    try {
      const result = await body(server.path);
      expect(result.status).toBe(200);
      expect(result.bytes.equals(piece <= 3 ? Buffer.concat(parts.slice(0, 4)) : expected)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('reads a Content-Length body, and one that runs to the end of the connection', async () => {
    const data = pattern(300_000, 9);
    const sized = await serve(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`), data]), 4096);
    const open = await serve(Buffer.concat([Buffer.from('HTTP/1.0 200 OK\r\n\r\n'), data]), 4096);
    try {
      expect((await body(sized.path)).bytes.equals(data)).toBe(true);
      expect((await body(open.path)).bytes.equals(data)).toBe(true);
    } finally {
      sized.close();
      open.close();
    }
  });

  it('gives the status and the text of an error answer', async () => {
    const json = '{"message":"No such image: x"}';
    const server = await serve(Buffer.from(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`), 5);
    try {
      const response = await getOnSocket(server.path, '/images/x/get');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await readAllText(response.body)).toBe(json);
    } finally {
      server.close();
    }
  });

  it('fails, never ends quietly, when the connection drops inside a chunk', async () => {
    const whole = chunked(parts);
    const server = await serve(whole.subarray(0, whole.length - 40_000), 65_536, true);
    try {
      await expect(body(server.path)).rejects.toThrow('the stream closed before its end');
    } finally {
      server.close();
    }
  });

  it('rejects a malformed chunk size and a missing socket with its code', async () => {
    const server = await serve(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'), 64);
    try {
      await expect(body(server.path)).rejects.toThrow('malformed chunked body');
    } finally {
      server.close();
    }
    await expect(getOnSocket(join(dir, 'nobody-listens.sock'), '/x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('which engines are reached over their unix socket directly', () => {
  it('an unset DOCKER_HOST or a unix:// one; tcp, ssh and Windows named pipes go through dockerode', () => {
    expect(localEngineSocket({}, 'linux')).toBe('/var/run/docker.sock');
    expect(localEngineSocket({ DOCKER_HOST: '' }, 'darwin')).toBe('/var/run/docker.sock');
    expect(localEngineSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, 'linux')).toBe('/run/user/1000/docker.sock');
    expect(localEngineSocket({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, 'linux')).toBeUndefined();
    expect(localEngineSocket({ DOCKER_HOST: 'ssh://me@host' }, 'linux')).toBeUndefined();
    expect(localEngineSocket({}, 'win32')).toBeUndefined();
    expect(localEngineSocket({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, 'win32')).toBeUndefined();
  });
});
