/**
 * `workspace-ca`: the command-line shell over src/core. Argument parsing and printing only.
 * Exit codes: 0 ok, 1 operation failed, 2 bad usage or unreadable input.
 */
import { PkiError } from '../core/errors';
import { CliIo } from './io';
import { safeText } from './terminal';
import { VERBS } from './verbs';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

function topHelp(): string {
  const width = Math.max(...VERBS.map((v) => v.name.length), 8);
  return [
    'workspace-ca: a private certificate authority in a folder, compatible with `openssl ca`',
    '',
    'Usage: workspace-ca <verb> [options]      workspace-ca <verb> --help',
    '',
    'Verbs:',
    ...VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '',
    'Passphrases are never taken from the command line: use --passphrase-env VAR,',
    '--passphrase-file FILE, or answer the prompt.',
  ].join('\n');
}

/** Exit code for an error escaping a verb. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof PkiError) return e.code === 'usage' || e.code === 'malformed' || e.code === 'not-found' ? 2 : 1;
  return 1;
}

/** Runs the CLI with the given arguments; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [verbName, ...rest] = argv;
  if (!verbName || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    io.out(topHelp() + '\n');
    return verbName ? 0 : 2;
  }
  if (verbName === '--version' || verbName === '-V') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  // Every verb's output reaches a terminal through here: control and bidi characters from
  // certificate fields (echoed in errors, lint findings, verify results) are escaped (terminal.ts).
  const raw = io;
  io = { ...raw, out: (t) => raw.out(safeText(t)), err: (t) => raw.err(safeText(t)) };
  const verb = VERBS.find((v) => v.name === verbName);
  if (!verb) {
    io.err(`workspace-ca: unknown verb "${verbName}". Run workspace-ca --help for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(verb.help.trimEnd() + '\n');
    return 0;
  }
  try {
    return await verb.run(rest, io);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`workspace-ca ${verb.name}: ${msg}\n`);
    if (!(e instanceof PkiError) && io.env.WORKSPACE_CA_DEBUG) io.err(String((e as Error)?.stack) + '\n');
    if (e instanceof PkiError && e.code === 'usage') io.err(`Run workspace-ca ${verb.name} --help for usage.\n`);
    return exitCodeFor(e);
  }
}

/** The real process's io. */
export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    prompt: async (question) => {
      if (!process.stdin.isTTY) return undefined;
      const { promptHidden } = await import('./prompt');
      return promptHidden(question);
    },
  };
}

if (require.main === module) {
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`workspace-ca: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
