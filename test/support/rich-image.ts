import type { ImageSpec } from './image-builder.js';

export const LONG_NAME = 'usr/share/' + 'deep-directory-name/'.repeat(6) + 'a-file-name-long-enough-to-need-pax.txt';
export const UNICODE_NAME = 'usr/share/ünïcode-名前.txt';

/** One small image with every way of hiding bytes, plus the odd names and links a real layer has. */
export const richImage: ImageSpec = {
  layers: [
    {
      createdBy: 'ADD rootfs.tar /',
      entries: [
        { type: 'dir', path: 'etc' },
        { type: 'file', path: 'etc/conf', size: 1000 },
        { type: 'dir', path: 'usr/bin' },
        { type: 'file', path: 'usr/bin/tool', size: 5000, mode: 0o644 },
        { type: 'file', path: 'usr/bin/big', size: 20000 },
        { type: 'hardlink', path: 'usr/bin/big-link', target: 'usr/bin/big' },
        { type: 'symlink', path: 'usr/bin/t', target: 'tool' },
        { type: 'dir', path: 'var/cache' },
        { type: 'file', path: 'var/cache/a', size: 300 },
        { type: 'file', path: 'var/cache/b', size: 700 },
        { type: 'dir', path: 'opt/app' },
        { type: 'file', path: 'opt/app/lib', size: 4000 },
        { type: 'file', path: UNICODE_NAME, size: 123 },
        { type: 'file', path: LONG_NAME, size: 456 },
        { type: 'dir', path: 'tmp/doomed' },
        { type: 'file', path: 'tmp/doomed/x', size: 50 },
      ],
    },
    {
      createdBy: '/bin/sh -c chmod +x /usr/bin/tool && echo > /etc/conf',
      entries: [
        { type: 'file', path: 'usr/bin/tool', size: 5000, mode: 0o755, seed: 'usr/bin/tool' },
        { type: 'file', path: 'etc/conf', size: 10 },
      ],
    },
    {
      createdBy: '/bin/sh -c rm -rf /tmp/doomed /usr/bin/big /var/cache && mkdir /var/cache && echo > /var/cache/c && rm -rf /opt/app && echo > /opt/app',
      entries: [
        { type: 'whiteout', path: 'tmp/doomed' },
        { type: 'whiteout', path: 'usr/bin/big' },
        { type: 'dir', path: 'var/cache' },
        { type: 'opaque', path: 'var/cache' },
        { type: 'file', path: 'var/cache/c', size: 5 },
        { type: 'file', path: 'opt/app', size: 9 },
      ],
    },
  ],
  emptyHistory: { 1: ['/bin/sh -c #(nop)  ENV A=1'], end: ['/bin/sh -c #(nop)  CMD ["sh"]'] },
  config: { Cmd: ['sh'], Env: ['A=1'] },
};

/** What the engine must find in richImage, worked out by hand. */
export const richExpected = {
  totalBytes: 31629 + 5010 + 14,
  hiddenBytes: 11050,
  layers: [
    { size: 31629, files: 11, hiddenBytes: 1000 + 5000 + 50 + 300 + 700 + 4000, createdBy: 'ADD rootfs.tar /' },
    { size: 5010, files: 2, hiddenBytes: 0, createdBy: '/bin/sh -c chmod +x /usr/bin/tool && echo > /etc/conf' },
    { size: 14, files: 2, hiddenBytes: 0, createdBy: richImage.layers[2]!.createdBy! },
  ],
  hidden: [
    { path: '/usr/bin/tool', size: 5000, addedIn: 0, hiddenIn: 1, how: 'overwritten' },
    { path: '/opt/app/lib', size: 4000, addedIn: 0, hiddenIn: 2, how: 'overwritten' },
    { path: '/etc/conf', size: 1000, addedIn: 0, hiddenIn: 1, how: 'overwritten' },
    { path: '/var/cache/b', size: 700, addedIn: 0, hiddenIn: 2, how: 'opaque' },
    { path: '/var/cache/a', size: 300, addedIn: 0, hiddenIn: 2, how: 'opaque' },
    { path: '/tmp/doomed/x', size: 50, addedIn: 0, hiddenIn: 2, how: 'deleted' },
  ],
};
