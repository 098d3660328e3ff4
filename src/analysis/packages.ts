import { posix } from 'node:path';
import type { CapturePolicy } from '../layers/capture.js';
import type { LayeredFilesystem } from './layered-filesystem.js';

/** Package-database paths whose bytes the reader keeps, so that files can be traced to packages. */
export const PACKAGE_DATABASES: CapturePolicy = {
  paths: ['/var/lib/dpkg/status', '/lib/apk/db/installed', '/etc/passwd', '/etc/group'],
  under: [{ prefix: '/var/lib/dpkg/status.d/' }, { prefix: '/var/lib/dpkg/info/', suffixes: ['.list', '.md5sums'] }],
};

export interface PackageIndex {
  manager: 'dpkg' | 'apk' | undefined;
  /** Installed packages: name -> version. */
  installed: Map<string, string>;
  /** The package that installed a file, by its path (merged-/usr aliases tried too). */
  owner(path: string): string | undefined;
}

/** Debian control-file stanzas ("Key: value" lines, blank-line separated). */
function stanzas(text: string): Array<Map<string, string>> {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const match = /^([A-Za-z][\w-]*):\s?(.*)$/.exec(line);
        if (match) fields.set(match[1]!, match[2]!);
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

const USR_MERGED = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

function aliases(path: string): string[] {
  for (const dir of USR_MERGED) {
    if (path.startsWith(dir + '/')) return [path, '/usr' + path];
    if (path.startsWith('/usr' + dir + '/')) return [path, path.slice(4)];
  }
  return [path];
}

function dpkgIndex(fs: LayeredFilesystem): PackageIndex | undefined {
  const installed = new Map<string, string>();
  const owners = new Map<string, string>();
  const addStanzas = (text: string): void => {
    for (const fields of stanzas(text)) {
      const name = fields.get('Package');
      const status = fields.get('Status') ?? 'install ok installed';
      if (name && status.endsWith(' installed')) installed.set(name, fields.get('Version') ?? '');
    }
  };
  const status = fs.lookup('/var/lib/dpkg/status')?.content;
  if (status) addStanzas(status.toString('utf8'));
  for (const entry of fs.listDirectory('/var/lib/dpkg/status.d')) {
    // distroless: one control file per package, and `<pkg>.md5sums` beside it listing its files.
    if (entry.content && !entry.path.endsWith('.md5sums')) addStanzas(entry.content.toString('utf8'));
  }
  if (installed.size === 0) return undefined;
  const listDirs = ['/var/lib/dpkg/info', '/var/lib/dpkg/status.d'];
  for (const dir of listDirs) {
    for (const entry of fs.listDirectory(dir)) {
      if (!entry.content) continue;
      const base = posix.basename(entry.path);
      const isList = base.endsWith('.list');
      if (!isList && !base.endsWith('.md5sums')) continue;
      const pkg = base.replace(/\.(list|md5sums)$/, '').replace(/:.*$/, '');
      for (const raw of entry.content.toString('utf8').split('\n')) {
        const line = raw.trim();
        if (!line) continue;
        const file = isList ? line : '/' + line.replace(/^[0-9a-f]+\s+/, '').replace(/^\/+/, '');
        if (!owners.has(file)) owners.set(file, pkg);
      }
    }
  }
  return { manager: 'dpkg', installed, owner: (path) => aliases(path).map((p) => owners.get(p)).find(Boolean) };
}

function apkIndex(fs: LayeredFilesystem): PackageIndex | undefined {
  const db = fs.lookup('/lib/apk/db/installed')?.content;
  if (!db) return undefined;
  const installed = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const block of db.toString('utf8').split(/\n\s*\n/)) {
    let name: string | undefined;
    let dir = '';
    for (const line of block.split('\n')) {
      const key = line.slice(0, 2);
      const value = line.slice(2);
      if (key === 'P:') {
        name = value;
        installed.set(value, '');
      } else if (key === 'V:' && name) installed.set(name, value);
      else if (key === 'F:') dir = value;
      else if (key === 'R:' && name) owners.set('/' + (dir ? dir + '/' : '') + value, name);
    }
  }
  return { manager: 'apk', installed, owner: (path) => aliases(path).map((p) => owners.get(p)).find(Boolean) };
}

/** What the image's package manager knows, from the final filesystem (dpkg, apk; rpm databases are not read). */
export function packageIndex(fs: LayeredFilesystem): PackageIndex {
  return dpkgIndex(fs) ?? apkIndex(fs) ?? { manager: undefined, installed: new Map(), owner: () => undefined };
}
