/**
 * "Generate server configuration" for an issued certificate (issue 6). Pure: the caller reads the
 * files (loadDeployInputs does it over the file port), this module returns the snippet text and
 * the contents of any file the snippet needs that does not exist yet; writeDeployFiles writes them.
 *
 * Extension use (one command, thin):
 *   const inputs = await loadDeployInputs(fs, certPath, {});
 *   const r = generateSnippet('nginx', inputs, { relativeTo: folder, keyPassphrase });
 *   await writeDeployFiles(fs, r.files);           // only when the user asked for the files
 *   openTextDocument({ language: r.languageId, content: r.text });
 */
import { GENERATORS } from './targets';
import { prepareMaterial } from './material';
import { DeployInputs, SNIPPET_TARGET_INFO, SnippetOptions, SnippetResult, SnippetTarget } from './types';

export * from './types';
export { loadDeployInputs, writeDeployFiles, LoadDeployOptions } from './load';
export { platformBundle, PlatformBundle, PlatformBundleOptions } from './bundle';
export { certBaseName, defaultHost, hostCovered, hostsOf, relativePath, usagesOf } from './material';
export { shellQuote } from './targets';

/**
 * Generates the configuration for `target`. The result lists every file the text refers to;
 * derived files (full chain, combined PEM, unencrypted key) carry `contents` when they are missing
 * or stale. Throws PkiError('usage') when the inputs cannot make a working configuration (no key
 * for a server, mTLS client without a client certificate).
 */
export function generateSnippet(target: SnippetTarget, inputs: DeployInputs, options: SnippetOptions = {}): SnippetResult {
  const info = SNIPPET_TARGET_INFO[target];
  const m = prepareMaterial(inputs, options);
  const text = GENERATORS[target](m);
  return {
    target,
    languageId: info.languageId,
    fallbackLanguageId: info.fallbackLanguageId,
    title: info.fileName,
    text,
    files: [...m.files.values()],
    warnings: [...new Set(m.warnings)],
  };
}

/** Files of a result that still have to be written for the snippet to work. */
export function pendingFiles(r: Pick<SnippetResult, 'files'>): SnippetResult['files'] {
  return r.files.filter((f) => f.contents !== undefined && !f.created);
}
