/**
 * `apt-update-alone`: a RUN that refreshes package indexes without installing in the same RUN. Its layer
 * is cached, so an install in a later RUN works from lists as old as that cache ("cache pollution"). The
 * message gives the one RUN to paste: the refresh merged with the next install of the same stage.
 */
import type { RunInstruction } from '../model.js';
import type { DockerfileRuleContext } from './context.js';
import { runActions, type Family, type PackageAction } from './package-commands.js';

const REFRESH: Record<Family, string> = { apt: 'apt-get update', apk: 'apk update', dnf: 'dnf makecache', zypper: 'zypper refresh' };
const INSTALL: Record<Family, string> = {
  apt: 'apt-get install -y <packages>',
  apk: 'apk add --no-cache <packages>',
  dnf: 'dnf install -y <packages>',
  zypper: 'zypper install -y <packages>',
};
const WHAT: Record<Family, string> = { apt: 'package lists', apk: 'package index', dnf: 'metadata cache', zypper: 'repository metadata' };

const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The cleanup that belongs at the end of an install RUN, unless it is there already. */
function cleanup(family: Family, command: string): string {
  if (family === 'apt') return /\/var\/lib\/apt\/lists/.test(command) ? '' : ' && rm -rf /var/lib/apt/lists/*';
  if (family === 'dnf') {
    const manager = /\b(dnf|yum|microdnf|tdnf)\b/.exec(command)?.[1] ?? 'dnf';
    return /\bclean\s+all\b/.test(command) ? '' : ` && ${manager} clean all`;
  }
  if (family === 'zypper') return /\bzypper\b[^&;|]*\bclean\b/.test(command) ? '' : ' && zypper clean --all';
  return '';
}

/** A RUN whose command can be merged as text: shell form, no heredocs. */
function pasteable(run: RunInstruction): boolean {
  return run.shell !== undefined && run.heredocs.length === 0;
}

function mergedRun(family: Family, refresh: RunInstruction, install: RunInstruction): string {
  const flags = [...new Set([...refresh.flags, ...install.flags])];
  const prefix = ['RUN', ...flags].join(' ');
  const refreshCommand = normalise(refresh.shell!);
  let installCommand = normalise(install.shell!);
  if (family === 'apk') {
    // `apk add --no-cache` fetches a fresh index itself and keeps none: no refresh needed.
    if (!/--no-cache\b/.test(installCommand)) installCommand = installCommand.replace(/\bapk add\b/, 'apk add --no-cache');
    const onlyRefresh = /^(?:\S*\/)?apk\s+update$/.test(refreshCommand);
    return `${prefix} ${onlyRefresh ? '' : refreshCommand + ' && '}${installCommand}`;
  }
  return `${prefix} ${refreshCommand} && ${installCommand}${cleanup(family, installCommand)}`;
}

function shown(run: RunInstruction): string {
  const text = normalise(run.shell ?? (run.exec ? JSON.stringify(run.exec) : ''));
  return `RUN ${text.length > 80 ? text.slice(0, 79) + '…' : text}`;
}

function message(family: Family, refresh: RunInstruction, install: RunInstruction | undefined): string {
  const what = `\`${shown(refresh)}\` refreshes the ${WHAT[family]} in a RUN of its own`;
  if (!install) {
    return `${what}, and no later RUN of the stage installs: the layer is cached with ${WHAT[family]} that only grow stale. Refresh in the RUN that installs: \`RUN ${REFRESH[family]} && ${INSTALL[family]}${cleanup(family, '')}\``;
  }
  const why = `${what}: its layer is cached, so the install on line ${install.line} works from ${WHAT[family]} as old as that layer.`;
  if (!pasteable(refresh) || !pasteable(install)) {
    return `${why} Refresh and install in the same RUN (\`${REFRESH[family]} && ${INSTALL[family]}${cleanup(family, '')}\`).`;
  }
  const fix = family === 'apk' ? 'Install with `apk add --no-cache`, which needs no refresh' : 'Refresh and install in one RUN';
  return `${why} ${fix}: \`${mergedRun(family, refresh, install)}\``;
}

/** The families a RUN refreshes without installing with. */
function refreshedAlone(actions: PackageAction[]): Family[] {
  const refreshed = new Set(actions.filter((action) => action.refresh).map((action) => action.family));
  return [...refreshed].filter((family) => !actions.some((action) => action.family === family && action.install));
}

export function aptUpdateAloneFindings(context: DockerfileRuleContext): void {
  const runs = context.model.runs;
  // From the last RUN back: the next RUN of the same stage that installs with each family.
  const nextInstall = new Map<string, RunInstruction>();
  const found: Array<{ run: RunInstruction; family: Family; install: RunInstruction | undefined }> = [];
  for (let index = runs.length - 1; index >= 0; index--) {
    const run = runs[index]!;
    const actions = runActions(run);
    if (actions.length === 0) continue;
    for (const family of refreshedAlone(actions)) found.push({ run, family, install: nextInstall.get(`${run.stage} ${family}`) });
    for (const action of actions) if (action.install) nextInstall.set(`${run.stage} ${action.family}`, run);
  }
  for (const { run, family, install } of found.reverse()) context.add('apt-update-alone', 'warning', message(family, run, install), run.line);
}
