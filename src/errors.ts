/**
 * An error the user can act on: one line naming the file, field or image.
 * Everything that is the input's fault (or the environment's: no daemon, no such image) is an InputError
 * and ends the CLI with exit code 2; anything else is a bug and is shown with its stack under --debug.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Extra lines worth showing under the message (the tail of a build log). */
  readonly details: string[];
  constructor(message: string, options?: { cause?: unknown; details?: string[] }) {
    super(message, options);
    this.details = options?.details ?? [];
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
