/** What a command may touch: its streams and environment, injected so tests run commands in-process. */
export interface OutStream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/**
 * Colour is on only for a terminal, never when NO_COLOR is set (https://no-color.org) nor when TERM is
 * `dumb` (a terminal that understands no escape sequences).
 */
export function colorEnabled(io: CliIo): boolean {
  const noColor = io.env.NO_COLOR;
  return io.stdout.isTTY === true && (noColor === undefined || noColor === '') && io.env.TERM !== 'dumb';
}

/** A mistake in how the command was called: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A mistake that is not about how the command was called (a path that cannot be written): exit 2, no usage. */
export class UserError extends Error {
  override readonly name = 'UserError';
}
