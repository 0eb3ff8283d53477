/**
 * `workspace-ca trust <dir|root.pem>`: how to install the root CA on each OS and runtime, and the
 * files those steps need (--write DIR). Prints commands; never runs them.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { PkiError } from '../../core/errors';
import { TRUST_CHOICES, TRUST_TARGETS, TrustTarget, parseTrustTargets, readTrustAnchor, trustPlan, trustTargetsForPlatform } from '../../core/trust';
import { NodeFilePort } from '../../node/nodeFilePort';
import { OptionSpec, flag, list, parseArgs, str, usageError } from '../args';
import { helpText, resolvePath, show } from '../common';
import { Verb } from '../io';

const SPECS: OptionSpec[] = [
  { name: 'os', value: true, repeat: true, arg: 'T', help: `${TRUST_CHOICES.join('|')} (repeatable or comma-separated; default all, this computer's first)` },
  { name: 'write', value: true, arg: 'DIR', help: 'write the files the steps use (<name>.crt PEM, <name>.der.crt DER, policies.json) into DIR' },
  { name: 'name', value: true, arg: 'BASE', help: 'file base name (default: from the CA common name)' },
  { name: 'json', help: 'print the plan as JSON' },
];

export const trustVerb: Verb = {
  name: 'trust',
  summary: 'steps and files to install the root CA (Debian, RHEL, macOS, Windows, Firefox, Java, Node, Python, Docker)',
  help: helpText(
    'workspace-ca trust <ca-dir | root.cert.pem> [--os linux|debian|rhel|macos|windows|firefox|java|node|python|docker|all] [--write DIR]',
    'Prints, as Markdown, the commands that make each system trust the root CA, with its SHA-256 fingerprint to compare. Nothing is executed: copy the commands (most need sudo or an administrator prompt).',
    SPECS,
    ['workspace-ca trust ca --os debian --write dist/trust', 'workspace-ca trust ca/certs/ca.cert.pem --os all --json'],
  ),
  async run(argv, io) {
    const p = parseArgs(argv, SPECS, 1);
    const arg = p.positionals[0];
    if (!arg) throw usageError('trust needs the CA folder or the root certificate file');
    let file = resolvePath(io, arg);
    if (nodeFs.existsSync(file) && nodeFs.statSync(file).isDirectory()) file = path.join(file, 'certs', 'ca.cert.pem');
    let bytes: Buffer;
    try {
      bytes = nodeFs.readFileSync(file);
    } catch {
      throw new PkiError('not-found', `cannot read the root certificate ${show(io, file)}`);
    }
    const root = readTrustAnchor(bytes);
    const choices = list(p, 'os').flatMap((s) => s.split(','));
    const mine = trustTargetsForPlatform(process.platform);
    let targets: TrustTarget[] = choices.length ? parseTrustTargets(choices) : [...TRUST_TARGETS];
    targets = [...targets.filter((t) => mine.includes(t)), ...targets.filter((t) => !mine.includes(t))];
    const write = str(p, 'write');
    const outDir = resolvePath(io, write ?? '.');
    const plan = trustPlan(root, targets, { outDir, name: str(p, 'name') });
    if (write) {
      const fs = new NodeFilePort();
      await fs.mkdir(outDir);
      for (const f of plan.files) {
        await fs.writeFile(f.path, f.contents, { mode: 0o644 });
        f.created = true;
      }
    }
    if (flag(p, 'json')) {
      io.out(
        JSON.stringify(
          { subject: plan.subject, sha256: plan.sha256, sections: plan.sections.map((s) => ({ ...s, thisComputer: mine.includes(s.target) })), files: plan.files.map((f) => ({ path: f.path, name: f.name, purpose: f.purpose, created: f.created })), markdown: plan.markdown, warnings: plan.warnings },
          null,
          2,
        ) + '\n',
      );
    } else {
      io.out(plan.markdown);
      if (write) for (const f of plan.files) io.err(`wrote ${show(io, f.path)}  ${f.purpose}\n`);
      else io.err(`note: the steps refer to ${plan.files.map((f) => show(io, f.path)).join(', ')}: add --write DIR to create them\n`);
    }
    for (const w of plan.warnings) io.err(`warning: ${w}\n`);
    return 0;
  },
};
