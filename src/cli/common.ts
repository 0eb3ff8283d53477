/** Helpers shared by the verbs: passphrases, subjects, key types, the CA context. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaContext } from '../core/ca/ca';
import { DnInput } from '../core/der/name';
import { PkiError } from '../core/errors';
import { KEY_TYPES, KeyType, isKeyType } from '../core/keys';
import { NodeFilePort } from '../node/nodeFilePort';
import { OptionSpec, Parsed, str, usageError } from './args';
import { CliIo } from './io';

export const PASS_OPTS: OptionSpec[] = [
  { name: 'passphrase-env', value: true, arg: 'VAR', help: 'read the passphrase from environment variable VAR' },
  { name: 'passphrase-file', value: true, arg: 'FILE', help: 'read the passphrase from the first line of FILE' },
];

export const CA_PASS_OPTS: OptionSpec[] = [
  { name: 'ca-passphrase-env', value: true, arg: 'VAR', help: 'passphrase of the CA key from environment variable VAR (default: same as --passphrase-env)' },
  { name: 'ca-passphrase-file', value: true, arg: 'FILE', help: 'passphrase of the CA key from FILE (default: same as --passphrase-file)' },
];

export const SUBJECT_OPTS: OptionSpec[] = [
  { name: 'cn', value: true, arg: 'NAME', help: 'common name' },
  { name: 'subject', value: true, arg: 'DN', help: 'full subject, "/C=GB/O=Example/CN=name" or "CN=name,O=Example,C=GB"' },
  { name: 'country', value: true, arg: 'CC', help: 'country (C), two letters' },
  { name: 'state', value: true, arg: 'TEXT', help: 'state or province (ST)' },
  { name: 'locality', value: true, arg: 'TEXT', help: 'locality (L)' },
  { name: 'org', value: true, arg: 'TEXT', help: 'organization (O)' },
  { name: 'ou', value: true, arg: 'TEXT', help: 'organizational unit (OU)' },
  { name: 'email', value: true, arg: 'ADDR', help: 'emailAddress in the subject' },
];

export const KEY_OPTS: OptionSpec[] = [{ name: 'key-type', value: true, arg: 'TYPE', help: `${KEY_TYPES.join('|')} (default rsa2048; init and intermediate default rsa4096)` }];

/** Reads a passphrase from the named env var or file; undefined when neither option is given. */
export function passphraseFrom(p: Parsed, io: CliIo, envOpt = 'passphrase-env', fileOpt = 'passphrase-file'): string | undefined {
  const env = str(p, envOpt);
  const file = str(p, fileOpt);
  if (env && file) throw usageError(`use either --${envOpt} or --${fileOpt}, not both`);
  if (env) {
    const v = io.env[env];
    if (v === undefined || v === '') throw usageError(`environment variable ${env} is not set`);
    return v;
  }
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
    } catch {
      throw new PkiError('not-found', `cannot read passphrase file ${file}`);
    }
    const line = text.split(/\r?\n/)[0];
    if (!line) throw usageError(`passphrase file ${file} is empty`);
    return line;
  }
  return undefined;
}

/** A CaContext whose CA passphrase comes from --ca-passphrase-*, else --passphrase-*, else a prompt. */
export function caContext(p: Parsed, io: CliIo, opts: { sharePassphrase?: boolean } = {}): CaContext {
  const explicit = passphraseFrom(p, io, 'ca-passphrase-env', 'ca-passphrase-file');
  const shared = opts.sharePassphrase ? passphraseFrom(p, io) : undefined;
  return {
    fs: new NodeFilePort(),
    now: () => io.now(),
    caPassphrase: async (purpose) => explicit ?? shared ?? (io.prompt ? io.prompt(`${purpose}: `) : undefined),
  };
}

export function keyTypeOpt(p: Parsed, dflt: KeyType): KeyType {
  const v = str(p, 'key-type');
  if (v === undefined) return dflt;
  const norm = v.toLowerCase().replace(/[-_ ]/g, '');
  const alias: Record<string, KeyType> = { rsa: 'rsa2048', ec: 'p256', ecdsa: 'p256', prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' };
  const t = alias[norm] ?? norm;
  if (!isKeyType(t)) throw usageError(`unknown key type "${v}": use one of ${KEY_TYPES.join(', ')}`);
  return t;
}

const DN_KEYS: Record<string, keyof DnInput> = { C: 'C', ST: 'ST', L: 'L', O: 'O', OU: 'OU', CN: 'CN', EMAILADDRESS: 'emailAddress', EMAIL: 'emailAddress', E: 'emailAddress' };

/** Parses "/C=GB/O=Ex/CN=x" or "CN=x, O=Ex, C=GB". */
export function parseSubject(s: string): DnInput {
  const dn: DnInput = {};
  const parts = s.startsWith('/') ? s.slice(1).split(/(?<!\\)\//) : s.split(/(?<!\\),/);
  for (const part of parts) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw usageError(`subject part "${part}" is not TYPE=value`);
    const k = DN_KEYS[part.slice(0, eq).trim().toUpperCase()];
    if (!k) throw usageError(`subject attribute "${part.slice(0, eq)}" is not supported (use C, ST, L, O, OU, CN, emailAddress)`);
    dn[k] = part.slice(eq + 1).trim().replace(/\\([/,])/g, '$1');
  }
  return dn;
}

export function subjectOpt(p: Parsed): DnInput {
  const s = str(p, 'subject');
  const dn: DnInput = s ? parseSubject(s) : {};
  const map: [string, keyof DnInput][] = [
    ['cn', 'CN'],
    ['country', 'C'],
    ['state', 'ST'],
    ['locality', 'L'],
    ['org', 'O'],
    ['ou', 'OU'],
    ['email', 'emailAddress'],
  ];
  for (const [opt, key] of map) {
    const v = str(p, opt);
    if (v !== undefined) dn[key] = v;
  }
  return dn;
}

/**
 * Reads an input file named on the command line (relative to the cwd). Errors name the file and
 * what it was for: a missing file or a folder is unreadable input (exit 2), anything else an I/O
 * failure.
 */
export function readInput(io: CliIo, file: string, what: string): Buffer {
  try {
    return fs.readFileSync(path.resolve(io.cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PkiError('not-found', `cannot read ${what} ${file}: no such file`);
    if (code === 'EISDIR') throw new PkiError('usage', `cannot read ${what} ${file}: it is a folder`);
    throw new PkiError('io', `cannot read ${what} ${file}: ${(e as Error).message}`);
  }
}

export function resolvePath(io: CliIo, p: string): string {
  return path.resolve(io.cwd, p);
}

/** Shows a path relative to cwd when it is inside it. */
export function show(io: CliIo, p: string): string {
  const rel = path.relative(io.cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

export function printResult(io: CliIo, json: boolean, obj: Record<string, unknown>, lines: string[], warnings: string[]): void {
  if (json) io.out(JSON.stringify({ ...obj, warnings }, null, 2) + '\n');
  else {
    for (const l of lines) io.out(l + '\n');
  }
  for (const w of warnings) io.err(`warning: ${w}\n`);
}

/** Help text from a usage line, a description, and option specs. */
export function helpText(usage: string, description: string, specs: OptionSpec[], examples: string[] = []): string {
  const w = Math.max(...specs.map((s) => s.name.length + (s.arg ? s.arg.length + 1 : 0)), 10);
  return [
    `Usage: ${usage}`,
    '',
    description,
    '',
    'Options:',
    ...specs.map((s) => `  --${(s.name + (s.arg ? ' ' + s.arg : '')).padEnd(w)}  ${s.help}`),
    ...(examples.length ? ['', 'Examples:', ...examples.map((e) => `  ${e}`)] : []),
  ].join('\n');
}
