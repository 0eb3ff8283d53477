/**
 * The viewer's HTML shell (STYLE.md §8): CSP `default-src 'none'`, the one script allowed by a
 * nonce from crypto.randomBytes, styles and fonts only from the extension (webview.cspSource).
 * The page holds no certificate data: the script asks for it with `ready` and renders it with DOM
 * APIs (textContent), so nothing attacker-controlled is ever parsed as HTML.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/** localResourceRoots: only the webview bundle and media/ (the CSS). */
export function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

const escapeAttr = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function viewerHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'viewer.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'viewer.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(css.toString())}">
<title>${escapeAttr(title)}</title>
</head>
<body>
<main id="app" class="loading"><p role="status">Decoding…</p></main>
<script nonce="${escapeAttr(n)}" src="${escapeAttr(script.toString())}"></script>
</body>
</html>`;
}
