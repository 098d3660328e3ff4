/**
 * What a RUN does with package managers: which refresh their indexes (`apt-get update`, `apk update`,
 * `dnf makecache`, `zypper refresh`…) and which install (`apt-get install`, `apk add`, `dnf install`…),
 * read from its simple commands through `sudo`, `env`, assignments and `sh -c`.
 */
import type { RunInstruction } from '../model.js';
import { heredocBody } from '../match-entries.js';
import { simpleCommands } from '../shell-commands.js';

export type Family = 'apt' | 'apk' | 'dnf' | 'zypper';

export interface PackageAction {
  family: Family;
  refresh: boolean;
  install: boolean;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);

/** Wrappers that run the command after them, with their options that take an argument. */
const WRAPPERS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '--user', '--group']),
  env: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']),
  nice: new Set(['-n', '--adjustment']),
  nohup: new Set(),
  command: new Set(),
  exec: new Set(['-a']),
  xargs: new Set(['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs']),
  timeout: new Set(['-k', '-s', '--kill-after', '--signal']),
  stdbuf: new Set(['-i', '-o', '-e']),
  eatmydata: new Set(),
};

interface Manager {
  family: Family;
  /** Options before the subcommand that take the next word as their value. */
  valued: Set<string>;
  refresh: Set<string>;
  install: Set<string>;
  /** Options that make an install refresh first (`apk add -U`). */
  refreshFlags?: Set<string>;
}

const APT: Manager = {
  family: 'apt',
  valued: new Set(['-o', '-c', '-t', '-a', '--option', '--config-file', '--target-release', '--default-release', '--host-architecture']),
  refresh: new Set(['update']),
  install: new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall', 'satisfy', 'safe-upgrade']),
};
const DNF: Manager = {
  family: 'dnf',
  valued: new Set(['-c', '-d', '-e', '-x', '-R', '--config', '--installroot', '--releasever', '--enablerepo', '--disablerepo', '--exclude', '--repo', '--repoid', '--setopt', '--forcearch']),
  refresh: new Set(['makecache', 'check-update']),
  install: new Set(['install', 'update', 'upgrade', 'reinstall', 'downgrade', 'groupinstall', 'localinstall', 'distro-sync', 'update-minimal', 'upgrade-minimal']),
};
/** `dnf group install x`, `dnf module install x`: the action is the word after. */
const DNF_GROUPS = new Set(['group', 'groups', 'module']);
const MANAGERS: Record<string, Manager> = {
  'apt-get': APT,
  apt: APT,
  aptitude: APT,
  apk: {
    family: 'apk',
    valued: new Set(['-X', '-p', '--repository', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file']),
    refresh: new Set(['update']),
    install: new Set(['add', 'upgrade', 'fix']),
    refreshFlags: new Set(['-U', '--update-cache', '--update']),
  },
  dnf: DNF,
  yum: DNF,
  microdnf: DNF,
  tdnf: DNF,
  zypper: {
    family: 'zypper',
    valued: new Set(['-R', '-c', '-D', '--root', '--config', '--reposd-dir', '--cache-dir']),
    refresh: new Set(['refresh', 'ref']),
    install: new Set(['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch', 'source-install', 'si']),
  },
};

const basename = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** The words after wrappers, assignments and reserved words: the command that really runs. */
function unwrap(words: string[]): string[] {
  let index = 0;
  for (;;) {
    while (index < words.length && (RESERVED.has(words[index]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[index]!))) index++;
    const wrapperName = basename(words[index] ?? '');
    const wrapper = WRAPPERS[wrapperName];
    if (!wrapper) return words.slice(index);
    index++;
    while (index < words.length && words[index]!.startsWith('-')) {
      const option = words[index++]!;
      if (option === '--') break;
      if (wrapper.has(option)) index++;
    }
    // `timeout 60 cmd`: the duration comes first.
    if (wrapperName === 'timeout' && /^\d/.test(words[index] ?? '')) index++;
  }
}

function managerAction(manager: Manager, args: string[]): PackageAction | undefined {
  let index = 0;
  let refreshFlag = false;
  while (index < args.length && args[index]!.startsWith('-')) {
    const option = args[index++]!;
    if (manager.refreshFlags?.has(option)) refreshFlag = true;
    if (manager.valued.has(option)) index++;
  }
  let subcommand = args[index];
  if (manager.family === 'dnf' && subcommand !== undefined && DNF_GROUPS.has(subcommand)) subcommand = args[++index];
  if (subcommand === undefined) return undefined;
  if (args.slice(index + 1).some((arg) => manager.refreshFlags?.has(arg))) refreshFlag = true;
  const refresh = manager.refresh.has(subcommand);
  const install = manager.install.has(subcommand);
  if (!refresh && !install) return undefined;
  return { family: manager.family, refresh: refresh || (install && refreshFlag), install };
}

/** The package actions of a script; `depth` bounds `sh -c` inside `sh -c`. */
function scriptActions(script: string, depth: number): PackageAction[] {
  const actions: PackageAction[] = [];
  for (const command of simpleCommands(script)) {
    const words = unwrap(command);
    const name = basename(words[0] ?? '');
    if (SHELLS.has(name)) {
      const dashC = words.findIndex((word, index) => index > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(word));
      if (dashC > 0 && words[dashC + 1] !== undefined && depth < 3) actions.push(...scriptActions(words[dashC + 1]!, depth + 1));
      continue;
    }
    const manager = MANAGERS[name];
    const action = manager ? managerAction(manager, words.slice(1)) : undefined;
    if (action) actions.push(action);
  }
  return actions;
}

/** Whether a RUN's heredoc is what its shell runs: the command is that heredoc alone, or a shell reading it. */
function runsHeredoc(run: RunInstruction): boolean {
  const words = simpleCommands(run.shell ?? '')[0] ?? [];
  return words.length === 0 || SHELLS.has(basename(words[0]!));
}

/** Every package manager's name contains one of these: a script without any runs none of them. */
const MANAGER_HINT = /apt|apk|dnf|yum|zypper/;

/** Every package action of a RUN (nothing for a SHELL that is not a POSIX shell). */
export function runActions(run: RunInstruction): PackageAction[] {
  if (run.exec) return run.exec.some((word) => MANAGER_HINT.test(word)) ? scriptActions(run.exec.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' '), 0) : [];
  if (run.shellCommand && !SHELLS.has(basename(run.shellCommand[0] ?? ''))) return [];
  const scripts = [run.shell ?? ''];
  if (run.heredocs.length > 0 && runsHeredoc(run)) scripts.push(...run.heredocs.map(heredocBody));
  return scripts.filter((script) => MANAGER_HINT.test(script)).flatMap((script) => scriptActions(script, 0));
}
