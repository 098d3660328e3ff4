import { describe, expect, it } from 'vitest';
import { capturePredicate } from '../../src/layers/capture.js';
import { PACKAGE_DATABASES } from '../../src/analysis/packages.js';

describe('capturePredicate', () => {
  const keeps = capturePredicate(PACKAGE_DATABASES);

  it('keeps the package databases and account files, by exact path or directory and suffix', () => {
    for (const path of ['/var/lib/dpkg/status', '/lib/apk/db/installed', '/etc/passwd', '/etc/group', '/var/lib/dpkg/status.d/base', '/var/lib/dpkg/info/curl.list', '/var/lib/dpkg/info/libc6:amd64.md5sums']) {
      expect(keeps(path), path).toBe(true);
    }
  });

  it('skips everything else, including near misses that share the first letter', () => {
    for (const path of ['/usr/bin/curl', '/s/d1/f1', '/var/lib/dpkg/info/curl.postinst', '/var/lib/dpkg/statusx', '/etc/passwd-', '/etc', '/', '/e', '/lib/apk/db']) {
      expect(keeps(path), path).toBe(false);
    }
  });

  it('still works when the policy names the root or a one-letter path', () => {
    expect(capturePredicate({ paths: [], under: [{ prefix: '/' }] })('/usr/bin/curl')).toBe(true);
    expect(capturePredicate({ paths: ['/'], under: [] })('/')).toBe(true);
    expect(capturePredicate({ paths: ['/x'], under: [{ prefix: '/opt/' }] })('/x')).toBe(true);
    expect(capturePredicate({ paths: ['/x'], under: [{ prefix: '/opt/' }] })('/y')).toBe(false);
  });
});
