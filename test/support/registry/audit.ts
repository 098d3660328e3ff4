import type { JsonReport } from '../../../src/report/json.js';
import { runBundle, type CliResult } from '../run-cli.js';

/** No engine at all: every registry test reads with DOCKER_HOST pointing at a socket that does not exist. */
export const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/image-hygiene-no-engine.sock' };

export async function auditJson(args: string[], env: Record<string, string> = {}): Promise<JsonReport> {
  const result = await runBundle(['audit', ...args, '--format', 'json', '--top', '100000', '--fail-on', 'never'], env);
  if (result.code !== 0) throw new Error(`audit ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as JsonReport;
}

/**
 * What must be identical whatever the source: sizes, history, hidden bytes and files, diff ids. (The config
 * digest too, unless a push converted the manifest to OCI, which rewrites the config's media type.)
 */
export function essence(report: JsonReport): unknown {
  return {
    platform: report.image.platform,
    totalBytes: report.image.totalBytes,
    layers: report.layers.map(({ size, files, createdBy, hiddenBytes, diffId }) => ({ size, files, createdBy, hiddenBytes, diffId })),
    waste: { hiddenBytes: report.waste.hiddenBytes, efficiency: report.waste.efficiency, files: report.waste.files },
  };
}

/** The error of a run that must fail with exit 2 and exactly one line. */
export function oneLineError(result: CliResult): string {
  if (result.code !== 2) throw new Error(`expected exit 2, got ${result.code}: ${result.stderr}${result.stdout.slice(0, 400)}`);
  const lines = result.stderr.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line, got ${lines.length}:\n${result.stderr}`);
  return lines[0]!;
}
