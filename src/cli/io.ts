/** What a verb may touch: output streams, environment, clock, cwd. Tests pass fakes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Current time (verbs never read the clock themselves). */
  now(): Date;
  /** Reads a passphrase interactively (no echo); undefined when there is no terminal. */
  prompt?(question: string): Promise<string | undefined>;
}

/** A verb of the `workspace-ca` command. */
export interface Verb {
  name: string;
  /** One line for the verb list. */
  summary: string;
  /** Full help text (usage line, options, examples). */
  help: string;
  /** Returns the exit code: 0 ok, 1 operation failed, 2 bad usage or unreadable input. */
  run(argv: string[], io: CliIo): Promise<number>;
}
