/** Which sticky comment a run owns: one per repository, workflow file and header. */
export interface CommentKey {
  /** owner/name */
  repository: string;
  /** The workflow file (`.github/workflows/x.yml`), or its name when the runner gives no file. */
  workflow: string;
  header: string;
}

/**
 * The workflow file of this run, from GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/x.yml@refs/…`),
 * without the ref, which changes from push to push. GITHUB_WORKFLOW (the name) when the runner gives no ref.
 */
export function workflowOf(env: NodeJS.ProcessEnv): string {
  const ref = env.GITHUB_WORKFLOW_REF;
  if (ref) {
    const path = ref.replace(/@[^@]*$/, '');
    const repository = env.GITHUB_REPOSITORY;
    return repository && path.startsWith(`${repository}/`) ? path.slice(repository.length + 1) : path;
  }
  return env.GITHUB_WORKFLOW ?? '';
}

/**
 * The hidden first line of our comment. A comment is ours only when its body starts with exactly this line
 * (and its author is the token's identity): the values are percent-encoded, so none can end the HTML comment
 * early or make one key's marker a prefix of another's.
 */
export function stickyCommentMarker(key: CommentKey): string {
  const field = (name: string, value: string) => `${name}="${encodeURIComponent(value)}"`;
  return `<!-- image-hygiene:comment ${field('repo', key.repository)} ${field('workflow', key.workflow)} ${field('header', key.header)} -->`;
}
