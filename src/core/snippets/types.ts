/**
 * Types of "deploy what you issued": server configuration snippets, the files they need, and the
 * platform upload bundle. Everything here is plain data so the CLI prints it and the extension
 * opens `text` in an untitled editor with `languageId` (STYLE.md §3).
 */

/** The configurations we generate, each proven against the real program by test/servers/. */
export const SNIPPET_TARGETS = ['tornado', 'requests', 'apache', 'nginx', 'stunnel', 'haproxy', 'node', 'node-client', 'curl'] as const;
export type SnippetTarget = (typeof SNIPPET_TARGETS)[number];

export function isSnippetTarget(s: string): s is SnippetTarget {
  return (SNIPPET_TARGETS as readonly string[]).includes(s);
}

/** Static facts about a target, for pickers (label, description) and editors (language). */
export interface SnippetTargetInfo {
  target: SnippetTarget;
  label: string;
  description: string;
  /** 'server': the certificate is the server's; 'client': it connects to a server with these host names. */
  role: 'server' | 'client';
  /** Preferred VS Code language id (may need a language extension, e.g. nginx, apacheconf). */
  languageId: string;
  /** A language id VS Code ships with, for when `languageId` is not installed. */
  fallbackLanguageId: string;
  /** Suggested file name for saving the snippet. */
  fileName: string;
}

export const SNIPPET_TARGET_INFO: Record<SnippetTarget, SnippetTargetInfo> = {
  tornado: { target: 'tornado', label: 'Tornado (Python)', description: 'ssl.create_default_context + load_cert_chain with the full chain', role: 'server', languageId: 'python', fallbackLanguageId: 'python', fileName: 'server.py' },
  requests: { target: 'requests', label: 'Python requests client', description: 'verify with the CA chain; client certificate with an encrypted key', role: 'client', languageId: 'python', fallbackLanguageId: 'python', fileName: 'client.py' },
  apache: { target: 'apache', label: 'Apache httpd', description: 'mod_ssl virtual host: SSLCertificateFile with the full chain', role: 'server', languageId: 'apacheconf', fallbackLanguageId: 'plaintext', fileName: 'site-ssl.conf' },
  nginx: { target: 'nginx', label: 'nginx', description: 'server block: ssl_certificate full chain, ssl_certificate_key', role: 'server', languageId: 'nginx', fallbackLanguageId: 'plaintext', fileName: 'site-ssl.conf' },
  stunnel: { target: 'stunnel', label: 'stunnel', description: 'TLS in front of a plain service, key and certificate in one file', role: 'server', languageId: 'ini', fallbackLanguageId: 'ini', fileName: 'stunnel.conf' },
  haproxy: { target: 'haproxy', label: 'HAProxy', description: 'TLS-terminating frontend with a combined PEM', role: 'server', languageId: 'haproxy', fallbackLanguageId: 'plaintext', fileName: 'haproxy.cfg' },
  node: { target: 'node', label: 'Node.js https server', description: 'https.createServer with key, cert (full chain) and ca', role: 'server', languageId: 'javascript', fallbackLanguageId: 'javascript', fileName: 'server.js' },
  'node-client': { target: 'node-client', label: 'Node.js https client', description: 'https.request trusting the CA chain, optional client certificate', role: 'client', languageId: 'javascript', fallbackLanguageId: 'javascript', fileName: 'client.js' },
  curl: { target: 'curl', label: 'curl / openssl s_client test', description: 'shell commands that check the server against the CA chain', role: 'client', languageId: 'shellscript', fallbackLanguageId: 'shellscript', fileName: 'check-tls.sh' },
};

/** What a file is for, in a word a program can branch on. */
export type DeployFileRole =
  | 'certificate'
  | 'key'
  | 'ca-chain'
  | 'fullchain'
  | 'combined'
  | 'key-unencrypted'
  | 'client-certificate'
  | 'client-key'
  | 'root-certificate';

/**
 * A file a snippet refers to. Existing files have no `contents`. Files the snippet needs that do
 * not exist yet (or differ from what they should hold) carry `contents`; `writeDeployFiles`
 * writes them and sets `created`.
 */
export interface DeployFile {
  /** Path in the file port's namespace (POSIX absolute). */
  path: string;
  /** The path as written in the snippet (relative or absolute). */
  shownPath: string;
  role: DeployFileRole;
  /** One line for the user: "certificate + intermediate, for ssl_certificate". */
  purpose: string;
  /** True once the file was written by this operation. */
  created: boolean;
  /** Bytes to write for derived files (full chain, combined PEM, unencrypted key). */
  contents?: Uint8Array;
  /** Holds private key material: written 0600, never shown. */
  secret: boolean;
  /** Permission bits to write with. */
  mode?: number;
}

/** A generated configuration: what the extension shows in an untitled editor. */
export interface SnippetResult {
  target: SnippetTarget;
  languageId: string;
  fallbackLanguageId: string;
  /** Editor title / suggested file name. */
  title: string;
  text: string;
  files: DeployFile[];
  /** Things the user must know (unencrypted key written, host not in the certificate, ...). */
  warnings: string[];
}

/** A PEM file as read from disk. */
export interface PemFile {
  /** POSIX absolute path in the file port's namespace. */
  path: string;
  pem: string;
}

/**
 * Everything a snippet is generated from: the certificate, its key, the CA chain, and (for
 * mutual TLS on client targets) a client certificate. `loadDeployInputs` fills this from a CA
 * folder; tests and other callers may build it by hand.
 */
export interface DeployInputs {
  /** The certificate to deploy (the server's; for client targets, the server connected to). */
  cert: PemFile;
  /** Its private key (PEM, possibly encrypted). */
  key?: PemFile;
  /** The CA chain clients trust and mTLS servers verify against: intermediate(s) + root (ca-chain.cert.pem), or the root alone. */
  chain: PemFile;
  /** Client certificate and key for mutual TLS on client targets. */
  clientCert?: PemFile;
  clientKey?: PemFile;
  /** Folder for derived public files (full chain); default: the certificate's folder. */
  publicDir?: string;
  /** Folder for derived secret files (combined PEM, unencrypted key); default: the key's folder. */
  privateDir?: string;
  /**
   * Paths of derived files that already exist, with their contents, so the result only asks to
   * write what is missing or stale.
   */
  existing?: Record<string, Uint8Array>;
}

export interface SnippetOptions {
  /** Require and verify client certificates (servers), present one (clients). */
  mtls?: boolean;
  /** TLS port; default 443. */
  port?: number;
  /** Address servers bind to (default: all interfaces). */
  address?: string;
  /** Host name clients connect to; default: the first DNS name of the certificate (else its first IP). */
  host?: string;
  /** Plain backend stunnel and HAProxy forward to; default 127.0.0.1:8080. */
  backend?: string;
  /** Paths in the snippet: absolute, or relative to `relativeTo` (default). */
  absolute?: boolean;
  /** Folder relative paths start from (the CLI's cwd, the workspace folder). Default: absolute paths. */
  relativeTo?: string;
  /** Passphrase of `key`, needed only to derive unencrypted files (combined PEM for stunnel/HAProxy, key for Apache/nginx). */
  keyPassphrase?: string;
  /** Environment variable the snippet reads key passphrases from; default KEY_PASSPHRASE. */
  passphraseEnv?: string;
}
