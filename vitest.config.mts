import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/** The differential tests whose other side is the Docker engine itself (`docker load`, `docker export`). */
const ENGINE_DIFFERENTIAL = 'test/differential/*-engine.test.ts';

/** Written by scripts/test-env.sh: every Docker engine the integration suite must pass against. */
const ENGINES_FILE = process.env.IMAGE_HYGIENE_ENGINES_FILE ?? '/var/lib/image-hygiene/engines.json';

interface Engine {
  name: string;
  /** DOCKER_HOST for this engine; empty: the CLI's default socket. */
  host: string;
  /** Put first on PATH: where this engine's own docker CLI (and its buildx) lives; empty: the host's. */
  path: string;
  /** DOCKER_CONFIG for its CLI (where its buildx plugin is); empty: the default. */
  dockerConfig: string;
}

function engineEnv(engine: Engine): Record<string, string> {
  const env: Record<string, string> = { IMAGE_HYGIENE_TEST_ENGINE: engine.name, DOCKER_HOST: engine.host };
  if (engine.path) env.PATH = `${engine.path}:${process.env.PATH ?? ''}`;
  if (engine.dockerConfig) env.DOCKER_CONFIG = engine.dockerConfig;
  return env;
}

/** The engines to run against; a missing file makes the integration tests fail (requireDocker), never skip. */
function engines(): Array<{ name: string; env: Record<string, string> }> {
  let parsed: { engines: Engine[] };
  try {
    parsed = JSON.parse(readFileSync(ENGINES_FILE, 'utf8')) as { engines: Engine[] };
  } catch (error) {
    const why = `${ENGINES_FILE}: ${(error as Error).message.split('\n')[0]}: run scripts/test-env.sh`;
    return [{ name: 'no engines', env: { IMAGE_HYGIENE_TEST_ENGINE_MISSING: why } }];
  }
  return parsed.engines.map((engine) => ({ name: engine.name, env: engineEnv(engine) }));
}

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Integration tests share the engines and 2 cores; running files one at a time keeps builds from fighting.
    fileParallelism: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // Our readers against Go's archive/tar and encoding/json (Debian's golang-go), case by generated case.
      { extends: true, test: { name: 'differential', include: ['test/differential/**/*.test.ts'], exclude: [ENGINE_DIFFERENTIAL] } },
      // The PR comment of real analyses rendered as GitHub renders it, in Chromium: one engine builds them.
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], env: engines()[0]!.env } },
      // Everything that needs Docker runs once per engine, the differential tests against `docker load` too.
      ...engines().map(({ name, env }) => ({
        extends: true,
        test: {
          name: `integration · ${name}`,
          include: ['test/integration/**/*.test.ts', ENGINE_DIFFERENTIAL],
          env,
        },
      })),
    ],
  },
});
