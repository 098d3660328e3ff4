/**
 * Whether a USER (as the image config or a Dockerfile states it) runs the process as root: no user, `root`
 * or uid `0`, with or without a group (`root:staff`, `0:0`). Shared by the image rule and the Dockerfile rule.
 */
export function isRootUser(user: string | undefined): boolean {
  if (user === undefined || user.trim() === '') return true;
  const name = user.split(':')[0]!.trim();
  return name === 'root' || name === '0';
}
