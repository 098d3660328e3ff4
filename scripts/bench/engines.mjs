// The engines the bench builds its workloads on and audits from: the primary one (whatever DOCKER_HOST names,
// Docker 20.10 with the graphdriver in CI) and the modern one scripts/test-env.sh runs beside it (Docker 28 with
// the containerd image store, built through BuildKit as GitHub's runners build), both from engines.json.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ENGINES_FILE = process.env.IMAGE_HYGIENE_ENGINES_FILE ?? '/var/lib/image-hygiene/engines.json';

function listed() {
  try {
    return JSON.parse(readFileSync(ENGINES_FILE, 'utf8')).engines;
  } catch {
    return undefined;
  }
}

function engineEnv(engine) {
  const env = { ...process.env, DOCKER_HOST: engine.host };
  if (!engine.host) delete env.DOCKER_HOST;
  if (engine.path) env.PATH = `${engine.path}:${process.env.PATH ?? ''}`;
  if (engine.dockerConfig) env.DOCKER_CONFIG = engine.dockerConfig;
  return env;
}

function docker(args, env) {
  return spawnSync('docker', args, { encoding: 'utf8', env });
}

/** What the engine is, asked of it: its image store, and whether its CLI builds with BuildKit (buildx). */
function described(id, label, env) {
  const status = docker(['info', '--format', '{{json .DriverStatus}}'], env);
  const store = status.stdout?.includes('io.containerd.snapshotter') ? 'containerd' : 'graphdriver';
  return { id, label, store, buildkit: docker(['buildx', 'version'], env).status === 0, env };
}

/** `only`: 'primary', 'modern' or undefined for both (the primary alone when engines.json is missing). */
export function benchEngines(only) {
  const engines = listed();
  const all = [described('primary', engines?.[0]?.name ?? 'the local engine', engines?.[0] ? engineEnv(engines[0]) : { ...process.env })];
  if (engines?.[1]) all.push(described('modern', engines[1].name, engineEnv(engines[1])));
  if (only === undefined) return all;
  const chosen = all.filter((engine) => engine.id === only);
  if (chosen.length === 0) throw new Error(`--engine ${only}: not one of ${all.map((e) => e.id).join(', ')} (see ${ENGINES_FILE}; run scripts/test-env.sh)`);
  return chosen;
}
