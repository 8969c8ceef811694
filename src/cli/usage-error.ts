// A command line the CLI cannot run: an unknown command or option, a missing or bad value. Not a
// ConnectorError: nothing ran, so it is not logged; the CLI prints one plain line naming the
// problem and where help is, and exits 2 (the usage-error convention of getopt tools).

export class UsageError extends Error {
  /** The command whose help explains the fix; none for the general usage. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** The line printed for it: the problem, then where the help is. */
export function usageErrorLine(e: UsageError, program: string): string {
  return `${program}: ${e.message}; see ${program}${e.command ? ` ${e.command}` : ''} --help\n`;
}
