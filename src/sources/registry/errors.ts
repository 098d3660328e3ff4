import { InputError } from '../../errors.js';

/**
 * What went wrong with a registry, in one line that names the image (registry and repository) and the status.
 * `kind` lets callers decide what to do next: an image not found locally falls back on nothing else, a
 * registry that cannot be reached lets digest pinning ask the engine instead.
 */
export type RegistryFailure =
  /** DNS, a refused connection, TLS, or the registry's own failures after every retry. */
  | 'unreachable'
  /** 401, 403: credentials missing or refused. */
  | 'refused'
  /** 404: no such repository, tag or blob. */
  | 'not-found'
  /** Bytes that are not what they claim: digest, size, media type. */
  | 'invalid';

export class RegistryError extends InputError {
  readonly kind: RegistryFailure;
  readonly status: number | undefined;
  constructor(message: string, options: { kind: RegistryFailure; status?: number; cause?: unknown }) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.kind = options.kind;
    this.status = options.status;
  }
}

const errorBodySchema = (value: unknown): Array<{ code?: string; message?: string }> => {
  const errors = (value as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as Array<{ code?: string; message?: string }>) : [];
};

/** `UNAUTHORIZED: authentication required` from the distribution API's error body; '' when there is none. */
export function registryErrorText(body: Buffer): string {
  try {
    const [first] = errorBodySchema(JSON.parse(body.toString('utf8')));
    if (!first) return '';
    const code = (first.code ?? '').toLowerCase().replace(/_/g, ' ');
    const message = (first.message ?? '').split('\n')[0]!.trim();
    if (!code) return message;
    return message && message.toLowerCase() !== code ? `${code} (${message})` : code;
  } catch {
    return '';
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'denied',
  404: 'not found',
  405: 'method not allowed',
  416: 'range not satisfiable',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

/** What a user can do about a refusal: log in, or on GHCR give the job's token the package scope. */
function refusalHint(status: number, host: string, credentialSource: string | undefined): string {
  const ghcr = host === 'ghcr.io';
  if (status === 401) {
    if (credentialSource) return `the registry refused the credentials from ${credentialSource}${ghcr ? '; grant the job packages: read' : ''}`;
    return ghcr ? 'run docker/login-action first, or grant packages: read' : `run docker/login-action (or docker login ${host}) first`;
  }
  if (credentialSource) return `the credentials from ${credentialSource} may not read this repository${ghcr ? ' (grant the job packages: read)' : ''}`;
  return ghcr ? 'run docker/login-action first, or grant packages: read' : `run docker/login-action (or docker login ${host}) first`;
}

export function statusError(display: string, host: string, status: number, body: Buffer, what: string | undefined, credentialSource: string | undefined): RegistryError {
  const said = registryErrorText(body) || STATUS_TEXT[status] || 'unexpected answer';
  const subject = what ? `${display}: ${what}` : display;
  if (status === 401 || status === 403) {
    return new RegistryError(`${subject}: ${status} ${said}: ${refusalHint(status, host, credentialSource)}`, { kind: 'refused', status });
  }
  if (status === 404) return new RegistryError(`${subject}: ${status} ${said}`, { kind: 'not-found', status });
  const kind = status >= 500 || status === 429 ? 'unreachable' : 'invalid';
  return new RegistryError(`${subject}: ${status} ${said}`, { kind, status });
}
