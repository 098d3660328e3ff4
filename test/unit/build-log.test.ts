import { describe, expect, it } from 'vitest';
import { BuildLog, MASK, createMasker, secretArgDefaults } from '../../src/sources/build-log.js';

describe('createMasker: build-argument and secret values never shown', () => {
  const mask = createMasker({ buildArgs: { GH_TOKEN: 's3cr3t-value-123', BASE: 'debian:12', SHORT: 'ab', EMPTY: '' }, secrets: ['line one\nsecond-line-value'] });

  it.each([
    // BuildKit's step names and history, the classic builder's steps, errors quoting commands.
    ['#5 [2/2] RUN echo "token is s3cr3t-value-123" > /t', '#5 [2/2] RUN echo "token is ***" > /t'],
    ['RUN |2 GH_TOKEN=s3cr3t-value-123 SHORT=ab /bin/sh -c make', 'RUN |2 GH_TOKEN=*** SHORT=*** /bin/sh -c make'],
    ['Step 3/5 : ARG GH_TOKEN=s3cr3t-value-123', 'Step 3/5 : ARG GH_TOKEN=***'],
    ['#2 [internal] load metadata for docker.io/library/debian:12', '#2 [internal] load metadata for docker.io/library/***'],
    ['ERROR: process "/bin/sh -c echo \\"s3cr3t-value-123\\"" did not complete', 'ERROR: process "/bin/sh -c echo \\"***\\"" did not complete'],
    // A short value is masked where it is assigned, not everywhere.
    ['SHORT=ab and abc', 'SHORT=*** and abc'],
    // Secret-looking names are masked whatever their value, even when it was never given.
    ['ARG API_KEY=from-the-dockerfile', 'ARG API_KEY=***'],
    ['ENV db_password="hunter 2"', 'ENV db_password=***'],
    ['PUBLIC_KEY=ok GPG_KEY=ok', 'PUBLIC_KEY=ok GPG_KEY=ok'],
    // A multi-line secret: every line of it.
    ['got second-line-value here', 'got *** here'],
  ])('%j → %j', (input, expected) => {
    expect(mask(input)).toBe(expected);
  });

  it('the longest value is masked first, so that no part of it shows', () => {
    const overlapping = createMasker({ buildArgs: { A: 'abcd', B: 'abcdefgh' } });
    expect(overlapping('x abcdefgh y abcd')).toBe(`x ${MASK} y ${MASK}`);
  });

  it('values are literals, never patterns', () => {
    expect(createMasker({ buildArgs: { A: 'a.*b(' } })('a.*b( and aXXb(')).toBe(`${MASK} and aXXb(`);
  });
});

describe('secretArgDefaults', () => {
  it('the defaults of secret-looking ARGs, quoted or not; not of the others', () => {
    expect(secretArgDefaults('FROM x\nARG API_KEY=abc123 VERSION=1\n  arg GH_TOKEN="t o k"\nARG NAME=value\nENV X_TOKEN=env-only\n')).toEqual(['abc123', 't o k']);
  });
});

describe('BuildLog', () => {
  const mask = createMasker({ buildArgs: { GH_TOKEN: 's3cr3t-value-123' } });

  it('keeps the last lines, masked, across chunk boundaries, without colours', () => {
    const log = new BuildLog(mask, 3);
    for (const chunk of ['one\ntwo\n', 'token s3cr3t-', 'value-123 \x1b[33mhere\x1b[0m\n\n', 'four\r\nfive']) log.write(chunk);
    expect(log.tail()).toEqual(['token *** here', 'four', 'five']);
  });

  it('a line without end is bounded, masked before it is cut', () => {
    const log = new BuildLog(mask, 5);
    log.write('s3cr3t-value-123 ' + 'x'.repeat(1024 * 1024));
    log.write('more of it\nnext line\n');
    const [first, second] = log.tail();
    expect(first!.startsWith('*** xxx')).toBe(true);
    expect(first!.length).toBeLessThan(2100);
    expect(first!.endsWith(' …')).toBe(true);
    expect(second).toBe('next line');
  });
});
