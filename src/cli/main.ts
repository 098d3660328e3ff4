import { writeFile } from 'node:fs/promises';
import { auditImage } from '../audit.js';
import type { ReadProgress } from '../engine/read-image.js';
import { InputError, describeError } from '../errors.js';
import { toJsonReport } from '../report/json.js';
import { formatText } from '../report/text.js';
import { humanBytes } from '../report/units.js';
import { USAGE, parseCliArgs, type AuditArgs } from './args.js';
import packageJson from '../../package.json';

export const EXIT = { pass: 0, policy: 1, input: 2 } as const;

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

function startProgress(io: CliIo): { progress?: ReadProgress; stop(): void } {
  if (!io.stderr.isTTY) return { stop: () => undefined };
  const progress: ReadProgress = { layersRead: 0, bytesRead: 0 };
  const timer = setInterval(() => {
    io.stderr.write(`\r\x1b[2Kreading: ${progress.layersRead} layers, ${humanBytes(progress.bytesRead)}`);
  }, 250);
  return { progress, stop: () => (clearInterval(timer), io.stderr.write('\r\x1b[2K')) };
}

async function audit(args: AuditArgs, io: CliIo): Promise<number> {
  const { progress, stop } = startProgress(io);
  let analysis;
  try {
    analysis = await auditImage({
      ...(args.source !== undefined ? { source: args.source } : {}),
      ...(args.build ? { build: args.build } : {}),
      ...(args.platform !== undefined ? { platform: args.platform } : {}),
      ...(progress ? { progress } : {}),
    });
  } finally {
    stop();
  }
  const report = toJsonReport(analysis, { version: packageJson.version, topFiles: args.top ?? (args.format === 'json' ? 100 : 20) });
  const text = args.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatText(report, io.stdout.columns ?? 100);
  if (args.output !== undefined) {
    try {
      await writeFile(args.output, text);
    } catch (error) {
      throw new InputError(`--output ${args.output}: ${describeError(error)}`);
    }
  } else io.stdout.write(text);
  return EXIT.pass;
}

/** The whole CLI; returns the exit code. Errors become one line on stderr (a stack only with --debug). */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      io.stdout.write(USAGE + '\n');
      return EXIT.pass;
    }
    if (args.command === 'version') {
      io.stdout.write(packageJson.version + '\n');
      return EXIT.pass;
    }
    return await audit(args, io);
  } catch (error) {
    io.stderr.write(`image-hygiene: ${describeError(error)}\n`);
    if (error instanceof InputError) for (const line of error.details) io.stderr.write(line + '\n');
    if (debug && error instanceof Error && error.stack) io.stderr.write(error.stack + '\n');
    return EXIT.input;
  }
}
