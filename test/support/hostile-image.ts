/**
 * An image whose every name tries to be read as something: a workflow command, a terminal escape, HTML,
 * Markdown, a mention, a link, an issue reference. Its files are hidden by a later layer, so the names reach
 * every table. The largest hidden file and the user carry backticks, so the messages that quote them have
 * image text outside their code spans; a content-addressed name is one long word with nowhere to break.
 */
import type { ImageSpec } from './image-builder.js';

export const HOSTILE_NAMES = [
  '@octocat please look',
  '@acme/security-team',
  'https://evil.example/x?y=1',
  'www.evil.example',
  'see #123 and GH-42 and acme/app#7',
  'mail admin@evil.example',
  '<img src=x onerror=alert(1)>',
  '<!-- open comment',
  'back`tick``s and ```fences',
  '| a | table | row |',
  '**bold** _it_ [link](https://evil.example) $x^2$ :tada:',
  '\u001b[31mred\u001b[0m and \u001b]0;title\u0007',
  '\u202eevil\u202c reversed \u2066isolate\u2069',
  '::error::pwned',
  'x ##[error]old style',
  'line\nbreak\rreturn\u2028separator',
];

/** The largest hidden file: quoted in the hidden-waste message, its backticks end the code span early. */
export const BACKTICK_NAME = 'x` @octocat https://evil.example/ #12 www.evil.example `y';
/** A cache entry named by its hash: 64 hex digits and more, no break opportunity anywhere. */
export const HASH_NAME = `${'0123456789abcdef'.repeat(6)}.bin`;

export const HOSTILE_IMAGE: ImageSpec = {
  layers: [
    {
      createdBy: '/bin/sh -c #(nop) ADD file:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef in / ',
      entries: [
        { type: 'dir', path: 'usr/bin' },
        // curl is a link to a file under a content-addressed directory: its message quotes one long word.
        { type: 'file', path: `opt/${HASH_NAME}/curl-real`, size: 2000, mode: 0o755 },
        { type: 'symlink', path: 'usr/bin/curl', target: `/opt/${HASH_NAME}/curl-real` },
        ...HOSTILE_NAMES.map((name, i) => ({ type: 'file' as const, path: `data/${name}`, size: 3000 + i })),
        { type: 'file', path: `evil/${BACKTICK_NAME}`, size: 60_000 },
        { type: 'file', path: `var/cache/app/${HASH_NAME}`, size: 40_000 },
      ],
    },
    {
      createdBy: `|2 GITHUB_TOKEN=ghp-hostile-secret-0123456789 NAME=@octocat /bin/sh -c rm -rf '/data/@octocat please look' && echo "${HOSTILE_NAMES.slice(2, 6).join(' ')}" ::error::x`,
      entries: [
        ...HOSTILE_NAMES.map((name) => ({ type: 'whiteout' as const, path: `data/${name}` })),
        { type: 'whiteout', path: `evil/${BACKTICK_NAME}` },
        { type: 'whiteout', path: `var/cache/app/${HASH_NAME}` },
      ],
    },
  ],
  config: { User: 'root:`@octocat https://evil.example` ::error::x', Env: ['PATH=/usr/bin', 'HOSTILE_TOKEN=@octocat-secret-value'] },
};
