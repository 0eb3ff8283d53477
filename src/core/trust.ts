/**
 * "Install / distribute the root CA": the exact steps per operating system and runtime, and the
 * files they need (PEM .crt, DER .crt for Windows, Firefox policies.json). Core only generates
 * text and file contents; nothing here executes a command, let alone a privileged one.
 */
import { colonHex, digest, sha256 } from './digest';
import { decodeBasicConstraints } from './der/extensions';
import { formatName, nameAttr, namesEqual } from './der/name';
import { OID } from './der/oids';
import { ParsedCertificate, findExtension, parseCertificate } from './der/x509';
import { PkiError } from './errors';
import { readBlocks, toPem } from './pem';

export const TRUST_TARGETS = ['debian', 'rhel', 'macos', 'windows', 'firefox', 'java', 'node', 'python', 'docker'] as const;
export type TrustTarget = (typeof TRUST_TARGETS)[number];

/** What users type: a target, or a group ('linux' = debian + rhel, 'all'). */
export const TRUST_CHOICES = ['linux', ...TRUST_TARGETS, 'all'] as const;

export const TRUST_LABELS: Record<TrustTarget, string> = {
  debian: 'Debian / Ubuntu (system trust store)',
  rhel: 'RHEL / Fedora / CentOS (system trust store)',
  macos: 'macOS keychain',
  windows: 'Windows certificate store',
  firefox: 'Firefox and other NSS applications',
  java: 'Java (keytool)',
  node: 'Node.js',
  python: 'Python (requests, ssl)',
  docker: 'Docker images and dev containers',
};

/** Targets for a node `process.platform`, the "your OS" section. */
export function trustTargetsForPlatform(platform: string): TrustTarget[] {
  switch (platform) {
    case 'linux':
      return ['debian', 'rhel'];
    case 'darwin':
      return ['macos'];
    case 'win32':
      return ['windows'];
    default:
      return [];
  }
}

/** Expands user choices ('linux', 'all', 'macos', ...) into targets; throws PkiError('usage') for unknown names. */
export function parseTrustTargets(choices: string[]): TrustTarget[] {
  const out = new Set<TrustTarget>();
  for (const raw of choices) {
    const c = raw.trim().toLowerCase();
    if (c === 'all') TRUST_TARGETS.forEach((t) => out.add(t));
    else if (c === 'linux') ['debian', 'rhel'].forEach((t) => out.add(t as TrustTarget));
    else if (c === 'ubuntu') out.add('debian');
    else if (c === 'fedora' || c === 'centos' || c === 'redhat') out.add('rhel');
    else if (c === 'mac' || c === 'darwin') out.add('macos');
    else if (c === 'win' || c === 'win32') out.add('windows');
    else if ((TRUST_TARGETS as readonly string[]).includes(c)) out.add(c as TrustTarget);
    else throw new PkiError('usage', `Unknown trust target "${raw}": use ${TRUST_CHOICES.join(', ')}`);
  }
  return TRUST_TARGETS.filter((t) => out.has(t));
}

export interface TrustFile {
  /** Path in the port's namespace (outDir + name). */
  path: string;
  /** The file name alone, as the steps refer to it. */
  name: string;
  purpose: string;
  contents: Uint8Array;
  created: boolean;
}

export interface TrustSection {
  target: TrustTarget;
  label: string;
  /** VS Code language id of `text` (shellscript, powershell, dockerfile, ...). */
  languageId: string;
  /** The steps: commands with comments, to read and run by hand. */
  text: string;
  /** True when the steps need administrator rights (sudo, an elevated prompt). */
  needsAdmin: boolean;
  /** Names of the files (TrustPlan.files) the steps use. */
  fileNames: string[];
}

export interface TrustPlan {
  subject: string;
  /** SHA-256 fingerprint, colon-separated hex: check it after installing. */
  sha256: string;
  sections: TrustSection[];
  files: TrustFile[];
  /** All sections as one Markdown document (for an untitled editor or a README). */
  markdown: string;
  warnings: string[];
}

export interface TrustOptions {
  /** Folder the files are written to, as the steps should name it. */
  outDir: string;
  /** Base of the file names; default from the CA's common name. */
  name?: string;
}

function fileBase(cert: ParsedCertificate): string {
  const cn = nameAttr(cert.subject, OID.commonName) ?? 'workspace-ca-root';
  const b = cn
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return b || 'workspace-ca-root';
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const sq = (s: string) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const psq = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Reads the first certificate of PEM or DER bytes. */
export function readTrustAnchor(bytes: Uint8Array): ParsedCertificate {
  const blocks = readBlocks(bytes);
  const b = blocks.find((x) => x.kind === 'certificate' || x.kind === 'other');
  if (!b) throw new PkiError('malformed', 'The file holds no certificate');
  return parseCertificate(b.der);
}

/**
 * The steps to trust `root` on each target and the files they use. Warns when the certificate
 * is not a self-signed CA (a leaf or an intermediate is the wrong thing to install as a root).
 */
export function trustPlan(root: ParsedCertificate, targets: TrustTarget[], o: TrustOptions): TrustPlan {
  const warnings: string[] = [];
  const bcExt = findExtension(root.extensions, OID.basicConstraints);
  const isCa = bcExt ? decodeBasicConstraints(bcExt.value).ca : false;
  if (!isCa) warnings.push('This certificate is not a CA certificate (basicConstraints CA:TRUE is missing): install the root CA instead');
  else if (!namesEqual(root.subject, root.issuer)) warnings.push('This is an intermediate CA, not a root: install the root (<ca>/certs/ca.cert.pem) so every certificate of the CA is trusted');

  const base = o.name ?? fileBase(root);
  const dir = o.outDir.replace(/\/+$/, '') || '/';
  const at = (n: string) => (dir === '/' ? `/${n}` : `${dir}/${n}`);
  const pem = toPem('CERTIFICATE', root.der);
  const sha256Text = colonHex(sha256(root.der));
  const subject = formatName(root.subject);
  const crt = `${base}.crt`;
  const der = `${base}.der.crt`;
  const files: TrustFile[] = [];
  const addFile = (name: string, purpose: string, contents: Uint8Array) => {
    if (!files.some((f) => f.name === name)) files.push({ path: at(name), name, purpose, contents, created: false });
  };
  const P = sq(at(crt));
  const alias = base;
  const sections: TrustSection[] = [];

  for (const t of targets) {
    let text: string;
    let languageId = 'shellscript';
    let needsAdmin = true;
    const used: string[] = [crt];
    switch (t) {
      case 'debian':
        text = [
          '# The file must be PEM and end in .crt; update-ca-certificates adds it to /etc/ssl/certs/ca-certificates.crt',
          `sudo install -m 0644 ${P} /usr/local/share/ca-certificates/${crt}`,
          'sudo update-ca-certificates',
          '# Check: the output says "1 added"; then',
          `openssl verify -CApath /etc/ssl/certs ${P}`,
          '# Remove again:',
          `#   sudo rm /usr/local/share/ca-certificates/${crt} && sudo update-ca-certificates --fresh`,
        ].join('\n');
        break;
      case 'rhel':
        text = [
          '# PEM in the anchors folder; update-ca-trust rebuilds /etc/pki/tls/certs/ca-bundle.crt',
          `sudo install -m 0644 ${P} /etc/pki/ca-trust/source/anchors/${crt}`,
          'sudo update-ca-trust extract',
          '# Check:',
          `trust list | grep -i -A2 ${sq(nameAttr(root.subject, OID.commonName) ?? base)}`,
          '# Remove again:',
          `#   sudo rm /etc/pki/ca-trust/source/anchors/${crt} && sudo update-ca-trust extract`,
        ].join('\n');
        break;
      case 'macos':
        text = [
          '# For every user of this Mac (System keychain, asks for an administrator password):',
          `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${P}`,
          '# Or for you only (login keychain, no sudo; macOS asks to confirm):',
          `#   security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db ${P}`,
          '# Check (Safari, Chrome and curl use the keychain):',
          `security verify-cert -c ${P}`,
          '# Remove again:',
          `#   sudo security delete-certificate -Z ${digest('sha1', root.der).toString('hex').toUpperCase()} /Library/Keychains/System.keychain`,
        ].join('\n');
        break;
      case 'windows': {
        languageId = 'powershell';
        used.splice(0, 1, der);
        addFile(der, 'the root CA certificate, DER (Windows double-click, certutil)', new Uint8Array(root.der));
        // The file is copied to the Windows machine: the steps name it relative to where it lands.
        const W = psq(`.\\${der}`);
        text = [
          '# In an elevated prompt (Run as administrator), for every user of this computer:',
          `certutil -addstore -f Root ${W}`,
          '# Or for you only, without administrator rights:',
          `#   certutil -user -addstore Root ${W}`,
          '# PowerShell alternative:',
          `#   Import-Certificate -FilePath ${W} -CertStoreLocation Cert:\\LocalMachine\\Root`,
          '# Edge and Chrome use this store; compare the SHA-256 fingerprint above with:',
          `certutil -dump ${W}`,
          '# Remove again:',
          `#   certutil -delstore Root ${psq(nameAttr(root.subject, OID.commonName) ?? base)}`,
        ].join('\n');
        break;
      }
      case 'firefox': {
        const policies = JSON.stringify({ policies: { Certificates: { ImportEnterpriseRoots: true, Install: [at(crt)] } } }, null, 2) + '\n';
        addFile('policies.json', 'Firefox enterprise policy that installs the root CA', enc(policies));
        used.push('policies.json');
        text = [
          '# Firefox keeps its own trust store. Either (a) a policy for every profile:',
          '#   Linux:   sudo install -D -m 0644 policies.json /etc/firefox/policies/policies.json',
          '#   macOS:   copy policies.json to /Applications/Firefox.app/Contents/Resources/distribution/',
          '#   Windows: copy policies.json to C:\\Program Files\\Mozilla Firefox\\distribution\\',
          `sudo install -D -m 0644 ${sq(at('policies.json'))} /etc/firefox/policies/policies.json`,
          '# (ImportEnterpriseRoots also makes Firefox trust what the OS trusts on Windows and macOS.)',
          '# or (b) the NSS certutil (Debian: apt install libnss3-tools) into one profile, no sudo:',
          `#   certutil -A -n ${sq(alias)} -t "C,," -i ${P} -d sql:"$HOME/.mozilla/firefox/<profile>"`,
          '# Chrome and Chromium on Linux read the same kind of store in ~/.pki/nssdb:',
          `#   certutil -A -n ${sq(alias)} -t "C,," -i ${P} -d sql:"$HOME/.pki/nssdb"`,
          '# Check: about:preferences#privacy > View Certificates > Authorities',
        ].join('\n');
        break;
      }
      case 'java':
        text = [
          '# Into the JDK trust store (cacerts, default password "changeit"); sudo when the JDK is system-wide:',
          `sudo keytool -importcert -noprompt -trustcacerts -cacerts -storepass changeit -alias ${sq(alias)} -file ${P}`,
          '# Or a trust store of your own for one application:',
          `#   keytool -importcert -noprompt -alias ${sq(alias)} -file ${P} -keystore truststore.p12 -storetype PKCS12 -storepass changeit`,
          '#   java -Djavax.net.ssl.trustStore=truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit ...',
          '# Check:',
          `keytool -list -cacerts -storepass changeit -alias ${sq(alias)}`,
        ].join('\n');
        break;
      case 'node':
        needsAdmin = false;
        text = [
          '# Node adds these to its built-in roots (read once at start-up; no sudo):',
          `export NODE_EXTRA_CA_CERTS=${P}`,
          '# VS Code extensions and npm run in Node too: set it in the environment they start from.',
          '# Node >= 23.8 can use the OS store instead (after the system steps): node --use-system-ca app.js',
        ].join('\n');
        break;
      case 'python':
        needsAdmin = false;
        text = [
          '# REQUESTS_CA_BUNDLE and SSL_CERT_FILE *replace* the default roots, they do not add to them.',
          '# After the system steps (Debian/RHEL above), point Python at the system bundle that now holds the CA:',
          'export REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt   # RHEL: /etc/pki/tls/certs/ca-bundle.crt',
          'export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt        # ssl, urllib, httpx, aiohttp',
          '# Or, to reach only servers of this CA (public sites then fail):',
          `#   export REQUESTS_CA_BUNDLE=${P}`,
          '# In code: requests.get(url, verify=' + JSON.stringify(at(crt)) + ')',
        ].join('\n');
        break;
      case 'docker':
        languageId = 'dockerfile';
        needsAdmin = false;
        text = [
          '# Dockerfile (Debian/Ubuntu-based images; copy the .crt into the build context first):',
          'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*',
          `COPY ${crt} /usr/local/share/ca-certificates/${crt}`,
          'RUN update-ca-certificates',
          `ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/${crt} \\`,
          '    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt',
          '# Alpine: apk add ca-certificates, same COPY and RUN update-ca-certificates.',
          '# Dev container (devcontainer.json), without rebuilding the image:',
          `#   "mounts": ["source=\${localWorkspaceFolder}/${crt},target=/usr/local/share/ca-certificates/${crt},type=bind,readonly"],`,
          '#   "postCreateCommand": "sudo update-ca-certificates"',
        ].join('\n');
        break;
    }
    if (used.includes(crt)) addFile(crt, 'the root CA certificate, PEM (.crt as update-ca-certificates requires)', enc(pem));
    sections.push({ target: t, label: TRUST_LABELS[t], languageId, text: text + '\n', needsAdmin, fileNames: used });
  }

  const fence: Record<string, string> = { shellscript: 'sh', powershell: 'powershell', dockerfile: 'dockerfile' };
  const markdown = [
    `# Trusting ${subject}`,
    '',
    `SHA-256 fingerprint: \`${sha256Text}\``,
    '',
    'Compare the fingerprint with the one your CA administrator gives you before you trust the certificate.',
    '',
    ...sections.flatMap((s) => [`## ${s.label}${s.needsAdmin ? ' (administrator)' : ''}`, '', '```' + (fence[s.languageId] ?? ''), s.text.trimEnd(), '```', '']),
  ].join('\n');
  return { subject, sha256: sha256Text, sections, files, markdown, warnings };
}
