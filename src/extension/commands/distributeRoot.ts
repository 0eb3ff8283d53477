/**
 * "Install / Distribute the Root CA…": writes the files the trust steps use (PEM .crt, DER .crt for
 * Windows, Firefox policies.json) into a folder the user picks and shows core's trust plan as
 * Markdown, this computer's operating system first. Nothing is executed: the most it does is copy
 * this computer's command to the clipboard, for the user to read and run themselves.
 */
import * as vscode from 'vscode';
import { rootPaths } from '../../core/ca/layout';
import { TRUST_TARGETS, readTrustAnchor, trustPlan, trustTargetsForPlatform } from '../../core/trust';
import { Command } from './command';
import { pickFolder, shown } from './deployShared';
import { pickCa } from './shared';

const COPY = 'Copy Command for This Computer';

export const distributeRoot: Command = {
  id: 'workspaceCa.distributeRoot',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const target = await pickCa(services, arg, 'Install / distribute which root CA?');
    const rootPath = rootPaths(target.dir).cert;
    const root = readTrustAnchor(await target.port.readFile(rootPath));
    const folder = await pickFolder(services, 'Folder for the root CA files (.crt PEM, .der.crt for Windows, policies.json)', target.uri);

    const mine = trustTargetsForPlatform(process.platform);
    const targets = [...TRUST_TARGETS.filter((t) => mine.includes(t)), ...TRUST_TARGETS.filter((t) => !mine.includes(t))];
    const port = target.port;
    const outDir = port.pathOf(folder);
    const plan = trustPlan(root, targets, { outDir });
    await port.mkdir(outDir);
    for (const f of plan.files) {
      // Public certificates: readable by everyone who has to install them.
      await port.writeFile(f.path, f.contents, { mode: 0o644 });
      f.created = true;
    }

    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: plan.markdown });
    await vscode.window.showTextDocument(doc, { preview: false });

    const wrote = plan.files.map((f) => shown(folder, f.path)).join(', ');
    const first = plan.sections.find((s) => mine.includes(s.target));
    const text = `Wrote ${wrote}. The steps to trust "${plan.subject}" are in the new editor${first ? `, ${first.label} first` : ''}; compare the SHA-256 fingerprint ${plan.sha256.slice(0, 23)}… before trusting it.${plan.warnings.length ? ` ${plan.warnings.join('. ')}.` : ''}`;
    const buttons = first ? [COPY] : [];
    const choice = plan.warnings.length ? await prompter.showWarningMessage(text, {}, ...buttons) : await prompter.showInformationMessage(text, ...buttons);
    if (choice === COPY && first) {
      // Copy only: installing a root needs administrator rights, and that is the user's call.
      await vscode.env.clipboard.writeText(first.text);
      void prompter.showInformationMessage(`Copied the ${first.label} steps${first.needsAdmin ? ' (they need administrator rights)' : ''}: read them before you run them.`);
    }
    return { files: plan.files.map((f) => f.path), markdown: plan.markdown, document: doc.uri, sha256: plan.sha256 };
  },
};
