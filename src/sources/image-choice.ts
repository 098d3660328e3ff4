import { InputError } from '../errors.js';

/** The archive holds several images, or none for the platform asked for: the user must choose (--image, --platform). */
export class SelectionError extends InputError {}

/** The platform asked for (--platform) is not in what was read: another description of the same archive may have it. */
export class PlatformMissing extends SelectionError {}

/** A reference as Docker normalises it: `app` is `docker.io/library/app:latest`. */
export function normalizeName(name: string): string {
  let ref = name;
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at) : '';
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon <= slash && digest === '') ref += ':latest';
  const first = ref.split('/')[0]!;
  const hasDomain = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) ref = ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
  return ref.replace(/^index\.docker\.io\//, 'docker.io/') + digest;
}

/** Whether `--image wanted` names `candidate` (a repo tag, an image name or a bare OCI ref name). */
export function matchesImageName(wanted: string, candidate: string | undefined): boolean {
  if (candidate === undefined) return false;
  if (wanted === candidate) return true;
  // A bare ref name (`v1`) is matched only as itself; anything else by its normal form.
  if (!/[/:@]/.test(candidate)) return false;
  return normalizeName(wanted) === normalizeName(candidate);
}

/** "a:1 (sha256:…), b:2 (sha256:…)" for a message listing what there is to choose from. */
export function describeImages(images: Array<{ name: string | undefined; digest: string }>): string {
  return images.map((image) => (image.name ? `${image.name} (${image.digest})` : image.digest)).join(', ');
}
