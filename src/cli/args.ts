/**
 * A small, strict argument parser for the `workspace-ca` verbs. Unknown options are usage
 * errors (exit 2), never ignored.
 */
import { PkiError } from '../core/errors';

export interface OptionSpec {
  /** Long name without dashes. */
  name: string;
  /** Takes a value (`--days 30`) or is a flag (`--json`). */
  value?: boolean;
  /** May be repeated; values collect into an array. */
  repeat?: boolean;
  help: string;
  /** Placeholder shown in help, e.g. N or FILE. */
  arg?: string;
}

export interface Parsed {
  positionals: string[];
  opts: Record<string, string | string[] | boolean | undefined>;
}

export function usageError(message: string): PkiError {
  return new PkiError('usage', message);
}

export function parseArgs(argv: string[], specs: OptionSpec[], maxPositionals = Infinity): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positionals: string[] = [];
  const opts: Parsed['opts'] = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byName.get(name);
      if (!spec) throw usageError(`unknown option --${name}`);
      if (spec.value) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw usageError(`--${name} needs a value`);
        if (spec.repeat) opts[name] = [...((opts[name] as string[]) ?? []), v];
        else opts[name] = v;
      } else {
        if (eq > 0) throw usageError(`--${name} takes no value`);
        opts[name] = true;
      }
    } else if (a.startsWith('-') && a.length > 1 && a !== '-') {
      throw usageError(`unknown option ${a} (options are written --name)`);
    } else {
      positionals.push(a);
    }
  }
  if (positionals.length > maxPositionals) throw usageError(`too many arguments: ${positionals.slice(maxPositionals).join(' ')}`);
  return { positionals, opts };
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.opts[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(p: Parsed, name: string): string[] {
  const v = p.opts[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function flag(p: Parsed, name: string): boolean {
  return p.opts[name] === true;
}

export function int(p: Parsed, name: string, min = 1, max = 100000): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw usageError(`--${name} must be a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw usageError(`--${name} must be between ${min} and ${max}`);
  return n;
}
