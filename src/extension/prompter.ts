/**
 * Every question a command asks goes through a Prompter, so integration tests can answer the
 * prompts (through the extension's exported API) instead of skipping them. The real one forwards to
 * vscode.window; the scripted one replays a queue of answers and fails loudly on a mismatch.
 */
import * as vscode from 'vscode';

/** What a step prompt resolves to when the user presses its Back button. */
// Symbol.for: the test bundle and the extension bundle each hold a copy of this module
export const BACK: unique symbol = Symbol.for('workspaceCa.back');
export type Back = typeof BACK;

/** Position of a prompt in a multi-step flow ("2/6" in the title bar; Back from step 2 on). */
export interface StepInfo {
  step: number;
  totalSteps: number;
  /** Show the Back button. */
  back: boolean;
}

/** What a prompt looked like; scripted answers can check it. */
export interface PromptRequest {
  kind: 'quickPick' | 'inputBox' | 'warning' | 'info' | 'error' | 'saveDialog' | 'openDialog';
  /** title, placeHolder or message, whichever the prompt shows first. */
  text: string;
  /** Labels of the items (quick picks) or of the buttons (messages). */
  choices?: string[];
  /** "step/total" for steps of a multi-step flow. */
  step?: string;
  /** The value the prompt was pre-filled with (input boxes). */
  value?: string;
}

export interface Prompter {
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
  /** Multi-select variant. */
  showQuickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[] | undefined>;
  showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined>;
  /** A modal (or plain) warning; resolves to the chosen button label. */
  showWarningMessage(message: string, options: vscode.MessageOptions, ...buttons: string[]): Promise<string | undefined>;
  showInformationMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  showErrorMessage(message: string, ...buttons: string[]): Promise<string | undefined>;
  showSaveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined>;
  showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined>;
  /** An input box that is one step of a flow: validates as typed, offers Back; BACK when pressed. */
  inputStep(options: vscode.InputBoxOptions & StepInfo): Promise<string | Back | undefined>;
  /** A quick pick that is one step of a flow (Back as for inputStep). */
  pickStep<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions & StepInfo): Promise<T | Back | undefined>;
}

/** The real UI. */
export class WindowPrompter implements Prompter {
  async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    return vscode.window.showQuickPick(items, { ...options, canPickMany: false });
  }
  async showQuickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[] | undefined> {
    return vscode.window.showQuickPick(items, { ...options, canPickMany: true });
  }
  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    return vscode.window.showInputBox(options);
  }
  async showWarningMessage(message: string, options: vscode.MessageOptions, ...buttons: string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, options, ...buttons);
  }
  async showInformationMessage(message: string, ...buttons: string[]): Promise<string | undefined> {
    return vscode.window.showInformationMessage(message, ...buttons);
  }
  async showErrorMessage(message: string, ...buttons: string[]): Promise<string | undefined> {
    return vscode.window.showErrorMessage(message, ...buttons);
  }
  async showSaveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    return vscode.window.showSaveDialog(options);
  }
  async showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    return vscode.window.showOpenDialog(options);
  }

  /** createInputBox rather than showInputBox: only it has step numbers and a Back button. */
  inputStep(options: vscode.InputBoxOptions & StepInfo): Promise<string | Back | undefined> {
    const box = vscode.window.createInputBox();
    Object.assign(box, {
      title: options.title,
      step: options.step,
      totalSteps: options.totalSteps,
      value: options.value ?? '',
      prompt: options.prompt,
      placeholder: options.placeHolder,
      password: options.password ?? false,
      ignoreFocusOut: options.ignoreFocusOut ?? true,
      buttons: options.back ? [vscode.QuickInputButtons.Back] : [],
    });
    const validate = async (v: string): Promise<string | undefined> => {
      const r = await options.validateInput?.(v);
      return typeof r === 'string' ? r || undefined : (r?.message ?? undefined);
    };
    return new Promise((resolve) => {
      const subs: vscode.Disposable[] = [];
      const done = (v: string | Back | undefined) => {
        subs.forEach((d) => d.dispose());
        box.dispose();
        resolve(v);
      };
      subs.push(
        box.onDidChangeValue(async (v) => {
          const msg = await validate(v);
          if (box.value === v) box.validationMessage = msg;
        }),
        box.onDidAccept(async () => {
          const v = box.value;
          box.busy = true;
          const msg = await validate(v);
          box.busy = false;
          box.validationMessage = msg;
          if (!msg) done(v);
        }),
        box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK)),
        box.onDidHide(() => done(undefined)),
      );
      box.show();
      void validate(box.value).then((msg) => {
        // an empty pre-filled box says nothing until the user types
        if (box.value) box.validationMessage = msg;
      });
    });
  }

  pickStep<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions & StepInfo): Promise<T | Back | undefined> {
    const pick = vscode.window.createQuickPick<T>();
    Object.assign(pick, {
      title: options.title,
      step: options.step,
      totalSteps: options.totalSteps,
      placeholder: options.placeHolder,
      items,
      ignoreFocusOut: options.ignoreFocusOut ?? true,
      matchOnDescription: options.matchOnDescription ?? false,
      buttons: options.back ? [vscode.QuickInputButtons.Back] : [],
    });
    return new Promise((resolve) => {
      const subs: vscode.Disposable[] = [];
      const done = (v: T | Back | undefined) => {
        subs.forEach((d) => d.dispose());
        pick.dispose();
        resolve(v);
      };
      subs.push(
        pick.onDidAccept(() => pick.selectedItems[0] && done(pick.selectedItems[0])),
        pick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done(BACK)),
        pick.onDidHide(() => done(undefined)),
      );
      pick.show();
    });
  }
}

/**
 * One scripted answer. A string answers an input box, picks the quick-pick item with that label
 * (or the message button with that label); `undefined` cancels; a function sees the request.
 * `expect` (a substring or regex of the prompt text) makes a mismatch fail the command under test.
 */
export interface ScriptedAnswer {
  expect?: string | RegExp;
  answer: string | string[] | vscode.Uri | Back | undefined | ((req: PromptRequest) => string | string[] | vscode.Uri | Back | undefined);
}

/**
 * Replays queued answers in order. Notifications (info/error) never consume answers unless they
 * have buttons; they are recorded in `messages` so tests can assert on what the user was told.
 */
export class ScriptedPrompter implements Prompter {
  private readonly queue: ScriptedAnswer[] = [];
  /** Every prompt shown, in order. */
  readonly asked: PromptRequest[] = [];
  /** Every information/warning/error message, as `kind: text`. */
  readonly messages: string[] = [];

  /** Queue answers; plain values are shorthand for `{ answer }`. */
  answer(...answers: (ScriptedAnswer | string | Back | undefined)[]): this {
    for (const a of answers) this.queue.push(typeof a === 'object' && a !== null ? a : { answer: a });
    return this;
  }

  /** Answers left over (a test should end with none). */
  get pending(): number {
    return this.queue.length;
  }

  private next(req: PromptRequest): ScriptedAnswer['answer'] {
    this.asked.push(req);
    const a = this.queue.shift();
    if (!a) throw new Error(`No scripted answer for ${req.kind} "${req.text}"`);
    if (a.expect !== undefined) {
      const ok = typeof a.expect === 'string' ? req.text.includes(a.expect) : a.expect.test(req.text);
      if (!ok) throw new Error(`Scripted answer expected a prompt matching ${String(a.expect)}, got ${req.kind} "${req.text}"`);
    }
    return typeof a.answer === 'function' ? a.answer(req) : a.answer;
  }

  private pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions & Partial<StepInfo>, many: boolean): T[] | Back | undefined {
    const req: PromptRequest = { kind: 'quickPick', text: options.title ?? options.placeHolder ?? '', choices: items.map((i) => i.label), step: stepText(options) };
    const ans = this.next(req);
    if (ans === undefined) return undefined;
    if (ans === BACK) return this.back(req, options);
    const labels = Array.isArray(ans) ? ans : [String(ans)];
    const chosen = labels.map((l) => {
      const item = items.find((i) => i.label === l) ?? items.find((i) => i.label.includes(l));
      if (!item) throw new Error(`Quick pick "${req.text}" has no item "${l}" (items: ${req.choices?.join(', ')})`);
      return item;
    });
    if (!many && chosen.length !== 1) throw new Error(`Quick pick "${req.text}" takes one answer`);
    return chosen;
  }

  /** Back is only there from the second step of a flow; scripting it elsewhere is a test bug. */
  private back(req: PromptRequest, options: Partial<StepInfo>): Back {
    if (!options.back) throw new Error(`Prompt "${req.text}" has no Back button`);
    return BACK;
  }

  async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    return notBack(this.pick(items, options, false))?.[0];
  }
  async showQuickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[] | undefined> {
    return notBack(this.pick(items, options, true));
  }
  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    return notBack(await this.input(options));
  }
  async pickStep<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions & StepInfo): Promise<T | Back | undefined> {
    const r = this.pick(items, options, false);
    return r === BACK ? r : r?.[0];
  }
  async inputStep(options: vscode.InputBoxOptions & StepInfo): Promise<string | Back | undefined> {
    return this.input(options);
  }
  private async input(options: vscode.InputBoxOptions & Partial<StepInfo>): Promise<string | Back | undefined> {
    const req: PromptRequest = { kind: 'inputBox', text: options.title ?? options.prompt ?? options.placeHolder ?? '', step: stepText(options), value: options.value };
    const ans = this.next(req);
    if (ans === undefined) return undefined;
    if (ans === BACK) return this.back(req, options);
    const value = String(ans);
    // the real input box refuses to accept a value its validator rejects: so do we
    const problem = await options.validateInput?.(value);
    const msg = typeof problem === 'string' ? problem : problem?.message;
    if (msg) throw new Error(`Input "${value}" for "${options.title ?? options.prompt}" rejected: ${msg}`);
    return value;
  }
  private message(kind: PromptRequest['kind'], message: string, buttons: string[]): string | undefined {
    this.messages.push(`${kind}: ${message}`);
    if (!buttons.length) return undefined;
    const ans = this.next({ kind, text: message, choices: buttons });
    if (ans === undefined || ans === BACK) return undefined;
    if (!buttons.includes(String(ans))) throw new Error(`Message "${message}" has no button "${String(ans)}" (${buttons.join(', ')})`);
    return String(ans);
  }
  async showWarningMessage(message: string, _options: vscode.MessageOptions, ...buttons: string[]): Promise<string | undefined> {
    return this.message('warning', message, buttons);
  }
  async showInformationMessage(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.message('info', message, buttons);
  }
  async showErrorMessage(message: string, ...buttons: string[]): Promise<string | undefined> {
    return this.message('error', message, buttons);
  }
  async showSaveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    const ans = this.next({ kind: 'saveDialog', text: options.title ?? options.saveLabel ?? '' });
    return ans === undefined || ans === BACK ? undefined : ans instanceof vscode.Uri ? ans : vscode.Uri.file(String(ans));
  }
  async showOpenDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    const ans = this.next({ kind: 'openDialog', text: options.title ?? options.openLabel ?? '' });
    if (ans === undefined || ans === BACK) return undefined;
    return (Array.isArray(ans) ? ans : [ans]).map((a) => (a instanceof vscode.Uri ? a : vscode.Uri.file(String(a))));
  }
}

function stepText(o: Partial<StepInfo>): string | undefined {
  return o.step ? `${o.step}/${o.totalSteps}` : undefined;
}

function notBack<T>(v: T | Back | undefined): T | undefined {
  if (v === BACK) throw new Error('Back answered to a prompt that is not a step');
  return v;
}
