/**
 * Multi-step input (the "multi-step input" sample of vscode-extension-samples): each step asks one
 * question, validates it where it is typed, and the Back button returns to the previous question
 * with its answer kept. Steps may skip themselves (return without asking); Back then goes to the
 * last step that did ask. Escape cancels the whole command.
 */
import * as vscode from 'vscode';
import { DN_FIELDS, DnInput, checkDn } from '../../core/der/name';
import { MIN_PASSPHRASE } from '../../core/keys';
import { parseSans } from '../../core/san';
import { BACK, Prompter } from '../prompter';
import { Cancelled } from './command';

class BackPressed extends Error {}

export interface StepUi {
  input(options: vscode.InputBoxOptions & { title: string }): Promise<string>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions & { title: string }): Promise<T>;
}

/** One question; it reads and writes the flow's state. */
export type Step<S> = (ui: StepUi, state: S) => Promise<void>;

/** Runs `steps` in order over `state`, with Back navigation; resolves to the filled state. */
export async function wizard<S>(prompter: Prompter, state: S, steps: Step<S>[]): Promise<S> {
  const asked: number[] = [];
  let i = 0;
  while (i < steps.length) {
    let didAsk = false;
    // steps that skip themselves are not counted: "3/7" is the third question asked
    const info = () => ({ step: asked.length + 1, totalSteps: asked.length + steps.length - i, back: asked.length > 0 });
    const ui: StepUi = {
      input: async (o) => {
        didAsk = true;
        const r = await prompter.inputStep({ ignoreFocusOut: true, ...o, ...info() });
        if (r === BACK) throw new BackPressed();
        if (r === undefined) throw new Cancelled();
        return r;
      },
      pick: async (items, o) => {
        didAsk = true;
        const r = await prompter.pickStep(items, { ignoreFocusOut: true, ...o, ...info() });
        if (r === BACK) throw new BackPressed();
        if (r === undefined) throw new Cancelled();
        return r;
      },
    };
    try {
      await steps[i](ui, state);
      if (didAsk) asked.push(i);
      i++;
    } catch (e) {
      if (!(e instanceof BackPressed)) throw e;
      i = asked.pop() ?? 0;
    }
  }
  return state;
}

/** The validator of a SAN input box: core's parser, its message shown as the user types. */
export function sanProblem(text: string): string | undefined {
  try {
    parseSans(text);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const DN_KEYS = new Map<string, keyof DnInput>(DN_FIELDS.map((f) => [f.key.toUpperCase(), f.key]));
DN_KEYS.set('EMAIL', 'emailAddress');

/** "O=Example Ltd, OU=IT, C=GB" → DN fields (CN is asked separately). Throws with a message. */
export function parseDnFields(text: string): DnInput {
  const dn: DnInput = {};
  for (const part of text.split(/(?<!\\),/)) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`"${part.trim()}" is not TYPE=value (e.g. O=Example Ltd)`);
    const k = DN_KEYS.get(part.slice(0, eq).trim().toUpperCase());
    if (!k || k === 'CN') throw new Error(`"${part.slice(0, eq).trim()}" is not one of C, ST, L, O, OU, emailAddress`);
    dn[k] = part.slice(eq + 1).trim().replace(/\\,/g, ',');
  }
  const problems = checkDn(dn);
  if (problems.length) throw new Error(problems.join('; '));
  return dn;
}

/** DN fields as the DN step shows them. */
export function formatDnFields(dn: DnInput): string {
  return DN_FIELDS.filter((f) => f.key !== 'CN' && dn[f.key]).map((f) => `${f.key}=${String(dn[f.key]).replace(/,/g, '\\,')}`).join(', ');
}

/** The "other subject fields" step, pre-filled from the workspaceCa.defaultSubject setting. */
export function dnStep<S extends { dn: DnInput }>(title: string): Step<S> {
  return async (ui, s) => {
    const text = await ui.input({
      title: `${title}: subject fields`,
      prompt: 'Organization and location, e.g. O=Example Ltd, OU=IT, C=GB (defaults from the workspaceCa.defaultSubject setting; empty for none).',
      value: formatDnFields(s.dn),
      validateInput: (v) => {
        try {
          parseDnFields(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    s.dn = parseDnFields(text);
  };
}

/** The validity step: whole days, at least one. `when` false skips it. */
export function daysStep<S>(title: string, get: (s: S) => number, set: (s: S, days: number) => void, note = '', when: (s: S) => boolean = () => true): Step<S> {
  return async (ui, s) => {
    if (!when(s)) return;
    const text = await ui.input({
      title: `${title}: validity in days`,
      prompt: `How long the certificate is valid, in days.${note}`,
      value: String(get(s)),
      validateInput: (v) => (/^\s*[1-9]\d{0,5}\s*$/.test(v) ? undefined : 'Enter a whole number of days (1 or more).'),
    });
    set(s, Number(text.trim()));
  };
}

/**
 * Two steps for a new key passphrase (type, then repeat). `optional`: an empty passphrase means
 * "do not encrypt" and skips the repeat.
 */
export function passphraseSteps<S>(what: string, get: (s: S) => string | undefined, set: (s: S, v: string | undefined) => void, optional = false, when: (s: S) => boolean = () => true): Step<S>[] {
  return [
    async (ui, s) => {
      if (!when(s)) return set(s, undefined);
      const v = await ui.input({
        title: `Passphrase for ${what}`,
        prompt: `At least ${MIN_PASSPHRASE} characters. The key is encrypted with it (AES-256, PKCS#8).${optional ? ' Leave empty to write the key unencrypted.' : ''}`,
        password: true,
        validateInput: (x) => (optional && x === '' ? undefined : x.length < MIN_PASSPHRASE ? `Use at least ${MIN_PASSPHRASE} characters.` : undefined),
      });
      set(s, v === '' ? undefined : v);
    },
    async (ui, s) => {
      const first = get(s);
      if (first === undefined || !when(s)) return;
      await ui.input({ title: `Repeat the passphrase for ${what}`, password: true, validateInput: (x) => (x !== first ? 'The two passphrases differ.' : undefined) });
    },
  ];
}
