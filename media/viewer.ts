/**
 * The certificate viewer's webview script (bundled by esbuild to dist/webview/viewer.js, browser
 * iife). It renders the DTOs the host sends (src/shared/protocol.ts) and nothing else: it never
 * decodes, never sees key material or passwords, and builds every node with DOM APIs — certificate
 * fields are attacker-controlled, so text only ever goes into text nodes (STYLE.md §8).
 *
 * Big files stay usable: a bundle shows a list of its blocks and renders only the selected one;
 * long lists (10,000 SANs, revoked serials) render in pages with "Show more"; the raw ASN.1 tree is
 * fetched from the host only when its section is opened.
 */
import type {
  Asn1Message,
  BlockView,
  ChainView,
  FromWebview,
  KeyMatchState,
  ToWebview,
  ValidityBadge,
  ViewState,
} from '../src/shared/protocol';
import { assertNever } from '../src/shared/protocol';
import { ICONS, type IconName } from 'codicons:viewer';
import type { Asn1Node, CertificateInfo, ExtensionInfo, ExtensionValue, GeneralNameInfo, NameInfo } from '../src/core/types';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): Persisted | undefined;
  setState(state: Persisted): void;
}
interface Persisted {
  selected: number;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

const PAGE = 200; // list items rendered at once
const FILTER_FROM = 8; // blocks from which the list gets a filter box

let state: ViewState | undefined;
let selected = vscode.getState()?.selected ?? 0;
const chains = new Map<number, ChainView>();
const chainPending = new Set<number>();
const hosts = new Map<number, string>();
const asn1 = new Map<number, Asn1Message>();
let filterText = '';
let noticeTimer: ReturnType<typeof setTimeout> | undefined;

// ---------------------------------------------------------------- DOM helpers (text only, never HTML)

type Child = Node | string | number | undefined | null | false;
interface Props {
  class?: string;
  attrs?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props?.class) e.className = props.class;
  if (props?.attrs) for (const [k, v] of Object.entries(props.attrs)) e.setAttribute(k, v);
  if (props?.on) for (const [k, f] of Object.entries(props.on)) e.addEventListener(k, f as EventListener);
  append(e, children);
  return e;
}

function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A codicon as inline SVG (path data bundled from @vscode/codicons, see media/codicons.d.ts):
 * decorative, so hidden from screen readers; the text next to it says what it means. It takes the
 * colour of its text (currentColor), so it follows the theme.
 */
function icon(name: IconName, cls = ''): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', `codicon codicon-${name}${cls ? ` ${cls}` : ''}`);
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const p of ICONS[name]) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', p.d);
    if (p.evenOdd) {
      path.setAttribute('fill-rule', 'evenodd');
      path.setAttribute('clip-rule', 'evenodd');
    }
    svg.appendChild(path);
  }
  return svg;
}

/** A button with an optional leading codicon. */
function button(label: string, onClick: () => void, cls = 'secondary', title?: string, iconName?: IconName): HTMLButtonElement {
  return h('button', { class: `btn ${cls}`, attrs: { type: 'button', ...(title ? { title, 'aria-label': title } : {}) }, on: { click: onClick } }, iconName ? icon(iconName) : false, label);
}

function copyButton(what: string, text: string): HTMLButtonElement {
  return button('Copy', () => post({ type: 'copy', what, text }), 'icon copy', `Copy ${what}`, 'copy');
}

function date(iso: string | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

function badge(b: ValidityBadge | undefined): HTMLElement | undefined {
  if (!b) return undefined;
  return h('span', { class: `badge ${b.state}` }, b.text);
}

function tag(text: string, cls = ''): HTMLElement {
  return h('span', { class: `tag ${cls}` }, text);
}

/** A definition list of label/value rows. */
function fields(rows: [string, Child | Child[]][]): HTMLElement {
  const dl = h('dl', { class: 'fields' });
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === false) continue;
    const dd = h('dd');
    append(dd, Array.isArray(value) ? value : [value]);
    dl.append(h('dt', null, label), dd);
  }
  return dl;
}

/** A collapsible section (native <details>: keyboard accessible). */
function section(title: string, body: Child | Child[], open = true, onToggle?: (open: boolean) => void): HTMLDetailsElement {
  const d = h('details', { class: 'section' }, h('summary', null, h('h3', null, title)));
  d.open = open;
  append(d, Array.isArray(body) ? body : [body]);
  if (onToggle) d.addEventListener('toggle', () => onToggle(d.open));
  return d;
}

/** A list that renders PAGE items at a time, with a "Show more" button. */
function pagedList<T>(items: T[], render: (item: T) => Node, cls = 'plain'): HTMLElement {
  const wrap = h('div', { class: 'paged' });
  const ul = h('ul', { class: cls });
  wrap.append(ul);
  let shown = 0;
  const more = h('div', { class: 'more' });
  const showMore = () => {
    const next = Math.min(items.length, shown + (shown === 0 ? PAGE : Math.max(PAGE, 1000)));
    const frag = document.createDocumentFragment();
    for (let i = shown; i < next; i++) frag.append(h('li', null, render(items[i])));
    ul.append(frag);
    shown = next;
    more.replaceChildren();
    if (shown < items.length) {
      const rest = items.length - shown;
      append(more, [
        h('span', { class: 'muted' }, `Showing ${shown.toLocaleString('en')} of ${items.length.toLocaleString('en')}. `),
        button(`Show ${Math.min(rest, Math.max(PAGE, 1000)).toLocaleString('en')} more`, showMore),
        rest > 1000 &&
          button('Show all', () => {
            while (shown < items.length) showMore();
          }),
      ]);
    }
  };
  showMore();
  wrap.append(more);
  return wrap;
}

function nameView(n: NameInfo): HTMLElement {
  if (!n.attributes.length) return h('span', { class: 'muted' }, '(empty)');
  const wrap = h('span', { class: 'name' });
  n.attributes.forEach((a, i) => {
    if (i) wrap.append(document.createTextNode(', '));
    wrap.append(h('span', { class: 'attr-type', attrs: { title: a.oid } }, a.type), '=', h('span', { class: 'attr-value' }, a.value));
  });
  return wrap;
}

const GN_LABEL: Record<string, string> = { dns: 'DNS', email: 'Email', uri: 'URI', ip: 'IP', dirName: 'DirName', rid: 'RID', other: 'Other' };
function gn(n: GeneralNameInfo): Node {
  return h('span', { class: 'gn' }, tag(GN_LABEL[n.type] ?? n.type, 'gn-type'), ' ', h('span', { class: 'mono' }, n.value));
}

function mono(text: string): HTMLElement {
  return h('span', { class: 'mono' }, text);
}

// ---------------------------------------------------------------- extensions

function extensionBody(v: ExtensionValue, ext: ExtensionInfo): Child | Child[] {
  switch (v.kind) {
    case 'subjectAltName':
    case 'issuerAltName':
    case 'certificateIssuer':
      return pagedList(v.names, gn);
    case 'basicConstraints':
      return v.ca ? `CA: yes${v.pathLen !== undefined ? `, at most ${v.pathLen} intermediate CA${v.pathLen === 1 ? '' : 's'} below` : ', no path length limit'}` : 'CA: no (end-entity certificate)';
    case 'keyUsage':
      return v.usages.join(', ') || '(none)';
    case 'extKeyUsage':
      return h('ul', { class: 'plain' }, ...v.usages.map((u) => h('li', null, u.name, u.name !== u.oid ? h('span', { class: 'muted' }, ` (${u.oid})`) : false)));
    case 'subjectKeyIdentifier':
      return mono(v.keyId);
    case 'authorityKeyIdentifier':
      return fields([
        ['Key ID', v.keyId ? mono(v.keyId) : undefined],
        ['Issuer', v.issuer?.length ? h('span', null, ...v.issuer.map(gn)) : undefined],
        ['Serial', v.serial ? mono(v.serial) : undefined],
      ]);
    case 'nameConstraints':
      return fields([
        ['Permitted', v.permitted.length ? pagedList(v.permitted, gn) : 'none'],
        ['Excluded', v.excluded.length ? pagedList(v.excluded, gn) : 'none'],
      ]);
    case 'crlDistributionPoints':
    case 'freshestCrl':
      return h('ul', { class: 'plain' }, ...v.points.flatMap((p) => [...p.uris.map((u) => h('li', null, mono(u))), ...p.names.map((n) => h('li', null, n))]));
    case 'authorityInfoAccess':
    case 'subjectInfoAccess':
      return h('ul', { class: 'plain' }, ...v.access.map((a) => h('li', null, `${a.method}: `, mono(a.location))));
    case 'certificatePolicies':
      return h(
        'ul',
        { class: 'plain' },
        ...v.policies.map((p) => h('li', null, p.name, p.name !== p.oid ? h('span', { class: 'muted' }, ` (${p.oid})`) : false, ...p.qualifiers.map((q) => h('div', { class: 'muted indent' }, q)))),
      );
    case 'policyConstraints':
      return fields([
        ['Require explicit policy', v.requireExplicitPolicy !== undefined ? String(v.requireExplicitPolicy) : undefined],
        ['Inhibit policy mapping', v.inhibitPolicyMapping !== undefined ? String(v.inhibitPolicyMapping) : undefined],
      ]);
    case 'inhibitAnyPolicy':
      return `skip certificates: ${v.skipCerts}`;
    case 'sctList':
      return `${v.count} signed certificate timestamp${v.count === 1 ? '' : 's'} (Certificate Transparency)`;
    case 'ctPoison':
      return 'Precertificate poison: this is a CT precertificate, not usable for TLS';
    case 'crlNumber':
    case 'deltaCrlIndicator':
      return mono(v.number);
    case 'crlReason':
      return v.reason;
    case 'invalidityDate':
      return date(v.date);
    case 'text':
      return v.text;
    case 'raw':
      return h('span', null, ext.text ? `${ext.text} ` : '', h('span', { class: 'mono muted wrap' }, v.hex.length > 512 ? `${v.hex.slice(0, 512)}…` : v.hex));
    default:
      return assertNever(v);
  }
}

function extensionsView(exts: ExtensionInfo[], sanListedAbove: boolean): HTMLElement {
  if (!exts.length) return h('p', { class: 'muted' }, 'No extensions.');
  const list = h('div', { class: 'extensions' });
  for (const e of exts) {
    const head = h('div', { class: 'ext-head' }, h('strong', null, e.name), e.name !== e.oid ? h('span', { class: 'muted' }, ` ${e.oid}`) : false, e.critical ? tag('critical', 'critical') : false);
    let body: Child | Child[];
    if (e.value.kind === 'subjectAltName' && sanListedAbove) body = `${e.value.names.length.toLocaleString('en')} name${e.value.names.length === 1 ? '' : 's'} (listed above)`;
    else body = extensionBody(e.value, e);
    const div = h('div', { class: 'ext' }, head);
    const b = h('div', { class: 'ext-body' });
    append(b, Array.isArray(body) ? body : [body]);
    div.append(b);
    if (e.error) div.append(h('p', { class: 'error-text' }, e.error));
    list.append(div);
  }
  return list;
}

// ---------------------------------------------------------------- raw ASN.1

function asn1Node(n: Asn1Node, depth: number): HTMLElement {
  const label = h('span', { class: 'asn1-label' }, h('span', { class: 'asn1-tag' }, n.tagName), h('span', { class: 'muted' }, ` @${n.offset} len ${n.length}`), n.value ? h('span', { class: 'asn1-value' }, ` ${n.value}`) : false);
  if (!n.children?.length) {
    return h('div', { class: 'asn1-leaf' }, label, n.error ? h('span', { class: 'error-text' }, ` ${n.error}`) : false, n.truncated ? h('span', { class: 'muted' }, ' (more not shown)') : false);
  }
  const d = h('details', { class: 'asn1' }, h('summary', null, label));
  d.open = depth < 3;
  for (const c of n.children) d.append(asn1Node(c, depth + 1));
  if (n.truncated) d.append(h('div', { class: 'muted' }, '(more not shown)'));
  if (n.error) d.append(h('div', { class: 'error-text' }, n.error));
  return d;
}

function asn1Section(b: BlockView): HTMLElement | undefined {
  if (!b.hasAsn1) return undefined;
  const body = h('div', { class: 'asn1-body', attrs: { id: `asn1-${b.index}` } });
  fillAsn1(body, b.index);
  return section('Raw ASN.1', body, false, (open) => {
    if (open && !asn1.has(b.index)) post({ type: 'asn1Request', block: b.index });
  });
}

function fillAsn1(body: HTMLElement, block: number): void {
  const m = asn1.get(block);
  body.replaceChildren(!m ? h('p', { class: 'muted' }, 'Loading…') : m.tree ? asn1Node(m.tree, 0) : h('p', { class: 'error-text' }, m.error ?? 'Not available'));
}

// ---------------------------------------------------------------- chain panel

const STATUS_WORD: Record<string, string> = { pass: 'pass', fail: 'fail', skip: 'skipped' };
const STATUS_ICON: Record<string, IconName> = { pass: 'pass', fail: 'error', skip: 'circle-slash' };

function chainResultView(c: ChainView | undefined, pending: boolean): HTMLElement {
  const out = h('div', { class: 'chain-result', attrs: { 'aria-live': 'polite' } });
  if (pending) {
    out.append(h('p', { class: 'muted' }, 'Validating…'));
    return out;
  }
  if (!c) {
    out.append(h('p', { class: 'muted' }, 'Not validated yet.'));
    return out;
  }
  if (c.problem) {
    out.append(h('div', { class: 'verdict fail' }, icon('warning', 'status-icon fail'), ' ', h('strong', null, 'Cannot validate: '), c.problem));
    return out;
  }
  const firstFail = c.checks.find((x) => x.status === 'fail');
  const forHost = c.host ? ` for ${c.host}` : '';
  out.append(
    c.valid
      ? h('div', { class: 'verdict pass' }, icon('pass', 'status-icon pass'), ' ', h('strong', null, `Valid chain${forHost}`), ` — ${c.chain.length} certificate${c.chain.length === 1 ? '' : 's'}, trusted through ${c.chainFile ?? 'the chain file'}`)
      : h('div', { class: 'verdict fail' }, icon('error', 'status-icon fail'), ' ', h('strong', null, `Not valid${forHost}: `), firstFail ? firstFail.message : 'see the checks below', firstFail?.fix ? h('div', { class: 'fix' }, `Fix: ${firstFail.fix}`) : false),
  );
  if (c.chain.length) {
    const ol = h('ol', { class: 'chain' });
    for (const e of c.chain) {
      ol.append(
        h(
          'li',
          { class: `chain-entry ${e.role}` },
          h('div', null, tag(e.role), ' ', h('strong', null, e.subject), e.trusted ? tag('trusted', 'trusted') : false),
          h('div', { class: 'muted' }, `issued by ${e.issuer} · valid ${date(e.notBefore)} – ${date(e.notAfter)} · serial `, mono(e.serial)),
        ),
      );
    }
    out.append(h('h4', null, 'Built chain (leaf first)'), ol);
  }
  if (c.checks.length) {
    const table = h('table', { class: 'checks' }, h('thead', null, h('tr', null, h('th', { attrs: { scope: 'col' } }, 'Result'), h('th', { attrs: { scope: 'col' } }, 'Check'), h('th', { attrs: { scope: 'col' } }, 'Certificate'), h('th', { attrs: { scope: 'col' } }, 'What was found'))));
    const tbody = h('tbody');
    for (const k of c.checks) {
      tbody.append(
        h(
          'tr',
          { class: `check ${k.status}` },
          h('td', { class: 'status' }, icon(STATUS_ICON[k.status] ?? 'warning', `status-icon ${k.status}`), ` ${STATUS_WORD[k.status] ?? k.status}`),
          h('td', null, k.id),
          h('td', null, k.subject || '—'),
          h('td', null, k.message, k.fix && k.status === 'fail' ? h('div', { class: 'fix' }, `Fix: ${k.fix}`) : false),
        ),
      );
    }
    table.append(tbody);
    out.append(h('h4', null, 'Checks'), table);
  }
  if (c.notes.length) out.append(h('ul', { class: 'plain muted' }, ...c.notes.map((n) => h('li', null, n))));
  out.append(h('p', { class: 'muted small' }, `Validated at ${date(c.at)}${c.chainFile ? ` against ${c.chainFile}` : ''}.`));
  return out;
}

function requestChain(block: number, pick = false): void {
  chainPending.add(block);
  const slot = document.getElementById(`chain-${block}`);
  if (slot) slot.replaceChildren(chainResultView(undefined, true));
  post({ type: 'verifyChain', block, host: hosts.get(block) || undefined, pick });
}

function chainSection(b: BlockView): HTMLElement {
  const input = h('input', {
    attrs: { type: 'text', id: `host-${b.index}`, placeholder: 'host name, e.g. www.example.com (optional)', spellcheck: 'false', 'aria-label': 'Host name to check the certificate for' },
    on: {
      input: () => hosts.set(b.index, input.value),
      keydown: (e) => {
        if (e.key === 'Enter') requestChain(b.index);
      },
    },
  });
  input.value = hosts.get(b.index) ?? '';
  const slot = h('div', { attrs: { id: `chain-${b.index}` } }, chainResultView(chains.get(b.index), chainPending.has(b.index)));
  const where = state?.chainFile ? h('p', { class: 'muted small' }, 'Trusted roots from ', mono(state.chainFile), ' (its intermediates are used to build the path).') : h('p', { class: 'muted small' }, 'No ca-chain.cert.pem found nearby: choose one.');
  return section('Chain validation', [
    where,
    h('div', { class: 'row' }, h('label', { attrs: { for: `host-${b.index}` } }, 'Host'), input, button('Validate', () => requestChain(b.index), 'primary', undefined, 'check-all'), button('Choose chain file…', () => requestChain(b.index, true), 'secondary', undefined, 'folder-opened')),
    slot,
  ]);
}

// ---------------------------------------------------------------- block views

function certificateFields(c: CertificateInfo, validity: ValidityBadge | undefined): HTMLElement {
  return fields([
    ['Subject', nameView(c.subject)],
    ['Issuer', [nameView(c.issuer), c.selfIssued ? tag('self-issued') : false]],
    ['Serial', [mono(c.serial), c.serialNegative ? tag('negative', 'critical') : false, copyButton('serial number', c.serial)]],
    ['Valid from', date(c.notBefore)],
    ['Valid until', [date(c.notAfter), ' ', badge(validity)]],
    ['Public key', c.key.description],
    ['Signature', c.signatureAlgorithm.name],
    ['Type', `${c.isCa ? 'CA certificate' : 'End-entity certificate'} · X.509 v${c.version} · ${c.derLength.toLocaleString('en')} bytes`],
  ]);
}

function fingerprintRows(c: CertificateInfo): HTMLElement {
  return fields([
    ['SHA-256', [mono(c.fingerprints.sha256), copyButton('SHA-256 fingerprint', c.fingerprints.sha256)]],
    ['SHA-1', [mono(c.fingerprints.sha1), copyButton('SHA-1 fingerprint', c.fingerprints.sha1)]],
    ['SPKI SHA-256', [mono(c.fingerprints.spkiSha256.base64), copyButton('SPKI SHA-256 (base64)', c.fingerprints.spkiSha256.base64)]],
    ['SPKI SHA-256 (hex)', [mono(c.fingerprints.spkiSha256.hex), copyButton('SPKI SHA-256 (hex)', c.fingerprints.spkiSha256.hex)]],
  ]);
}

function sansSection(sans: GeneralNameInfo[]): HTMLElement | undefined {
  if (!sans.length) return undefined;
  return section(`Subject alternative names (${sans.length.toLocaleString('en')})`, pagedList(sans, gn, 'plain sans'));
}

function heading(b: BlockView, extra?: Child): HTMLElement {
  return h('header', { class: 'block-head' }, h('h2', null, b.title), extra ?? false, h('div', { class: 'muted small' }, b.where));
}

function certificateView(b: Extract<BlockView, { kind: 'certificate' }>): HTMLElement[] {
  const c = b.info as CertificateInfo;
  return [
    heading(b, badge(b.validity)),
    section('Certificate', certificateFields(c, b.validity)),
    chainSection(b),
    sansSection(c.sans),
    section(`Extensions (${c.extensions.length})`, extensionsView(c.extensions, c.sans.length > 0)),
    section('Fingerprints', fingerprintRows(c)),
    asn1Section(b),
  ].filter((x): x is HTMLElement => !!x);
}

function csrView(b: Extract<BlockView, { kind: 'csr' }>): HTMLElement[] {
  const c = b.info;
  if (!c) return [];
  const sig = c.signatureValid
    ? h('span', { class: 'badge valid' }, icon('verified'), ' signature valid')
    : h('span', null, h('span', { class: 'badge expired' }, icon('error'), ' signature does not verify'), c.signatureProblem ? ` ${c.signatureProblem}` : '');
  const sign = state?.canSign
    ? button('Sign this CSR…', () => post({ type: 'signCsr' }), 'primary', undefined, 'pass')
    : h('span', { class: 'muted' }, 'Trust this workspace to sign requests.');
  return [
    heading(b, sig),
    h('div', { class: 'row actions' }, sign),
    section('Request', fields([
      ['Subject', nameView(c.subject)],
      ['Public key', c.key.description],
      ['Signature', [c.signatureAlgorithm.name, ' ', sig.cloneNode(true)]],
      ['SPKI SHA-256', [mono(c.spkiSha256.base64), copyButton('SPKI SHA-256', c.spkiSha256.base64)]],
      ['Format', `PKCS#10 v${c.version + 1} · ${c.derLength.toLocaleString('en')} bytes`],
    ])),
    sansSection(c.sans),
    section(`Requested extensions (${c.extensions.length})`, extensionsView(c.extensions, c.sans.length > 0)),
    c.attributes.length ? section('Attributes', fields(c.attributes.map((a) => [a.name, a.values.join(', ')]))) : undefined,
    asn1Section(b),
  ].filter((x): x is HTMLElement => !!x);
}

function crlView(b: Extract<BlockView, { kind: 'crl' }>): HTMLElement[] {
  const c = b.info;
  if (!c) return [];
  const revoked = c.entries.length
    ? pagedList(
        c.entries,
        (e) => h('span', { class: 'revoked' }, mono(e.serial), ` revoked ${date(e.revocationDate)}`, e.reason ? tag(e.reason, 'reason') : false, e.invalidityDate ? h('span', { class: 'muted' }, ` (invalid since ${date(e.invalidityDate)})`) : false),
        'plain revoked-list',
      )
    : h('p', { class: 'muted' }, 'No certificate is revoked.');
  return [
    heading(b, badge(b.nextUpdate)),
    section('CRL', fields([
      ['Issuer', nameView(c.issuer)],
      ['This update', date(c.thisUpdate)],
      ['Next update', [date(c.nextUpdate), ' ', badge(b.nextUpdate)]],
      ['CRL number', c.crlNumber ? mono(c.crlNumber) : '—'],
      ['Signature', c.signatureAlgorithm.name],
      ['Format', `X.509 CRL v${c.version} · ${c.derLength.toLocaleString('en')} bytes`],
    ])),
    section(`Revoked certificates (${c.entries.length.toLocaleString('en')})`, revoked),
    section(`Extensions (${c.extensions.length})`, extensionsView(c.extensions, false), false),
    asn1Section(b),
  ].filter((x): x is HTMLElement => !!x);
}

function matchView(m: KeyMatchState | undefined): Child {
  if (!m) return undefined;
  switch (m.state) {
    case 'matched':
      return h('ul', { class: 'plain' }, ...m.matches.map((x) => h('li', null, h('strong', null, x.subject), ' — ', mono(x.path))));
    case 'none':
      return h('span', { class: 'muted' }, `No certificate in the workspace has this public key (${m.searched} files searched).`);
    case 'encrypted':
      return h('span', { class: 'muted' }, 'The key is encrypted: its public key (and so its certificate) is known only after decryption.');
    case 'unavailable':
      return h('span', { class: 'muted' }, `Not searched: ${m.reason}.`);
    default:
      return assertNever(m);
  }
}

function privateKeyView(b: Extract<BlockView, { kind: 'privateKey' }>): HTMLElement[] {
  const k = b.info;
  if (!k) return [];
  return [
    heading(b, k.encrypted ? h('span', { class: 'badge valid' }, icon('lock'), ' encrypted') : h('span', { class: 'badge expiring' }, icon('unlock'), ' not encrypted')),
    section('Private key', fields([
      ['Type', k.description],
      ['Size', k.bits ? `${k.bits} bits` : undefined],
      ['Curve', k.curve],
      ['Format', k.format.toUpperCase()],
      ['Encrypted', k.encrypted ? `yes${k.encryption ? ` — ${k.encryption}` : ''}` : 'no: anyone who can read this file can use the key'],
      ['Public key SPKI SHA-256', k.spkiSha256 ? [mono(k.spkiSha256.base64), copyButton('SPKI SHA-256', k.spkiSha256.base64)] : undefined],
      ['Matching certificate', matchView(b.match)],
    ])),
    h('p', { class: 'muted small' }, 'The key material itself is never shown in this viewer.'),
  ];
}

function publicKeyView(b: Extract<BlockView, { kind: 'publicKey' }>): HTMLElement[] {
  const k = b.info;
  if (!k) return [];
  return [
    heading(b),
    section('Public key', fields([
      ['Type', k.description],
      ['Format', k.format === 'spki' ? 'SubjectPublicKeyInfo' : 'PKCS#1 RSA public key'],
      ['SPKI SHA-256', [mono(k.spkiSha256.base64), copyButton('SPKI SHA-256', k.spkiSha256.base64)]],
    ])),
    asn1Section(b),
  ].filter((x): x is HTMLElement => !!x);
}

function pkcs12View(b: Extract<BlockView, { kind: 'pkcs12' }>): HTMLElement[] {
  if (b.locked || !b.info) {
    return [
      heading(b),
      h(
        'div',
        { class: 'callout' },
        h('p', null, b.error?.message ?? 'This PKCS#12 file is protected by a password.'),
        h('p', { class: 'muted small' }, 'The password is asked for in VS Code\'s own input box, never in this page.'),
        button('Enter password…', () => post({ type: 'unlockPkcs12' }), 'primary', undefined, 'key'),
      ),
    ];
  }
  const p = b.info;
  const certs = p.certificates.map((c, i) =>
    h(
      'div',
      { class: 'card' },
      h('h4', null, c.subject.text || '(empty subject)', ' ', badge(b.validity?.[i]), p.keys.some((k) => k.spkiSha256?.hex === c.fingerprints.spkiSha256.hex) ? tag('has its key', 'trusted') : false),
      fields([
        ['Issuer', nameView(c.issuer)],
        ['Serial', mono(c.serial)],
        ['Valid', `${date(c.notBefore)} – ${date(c.notAfter)}`],
        ['Public key', c.key.description],
        ['Friendly name', c.friendlyName],
        ['Local key ID', c.localKeyId ? mono(c.localKeyId) : undefined],
        ['SHA-256', [mono(c.fingerprints.sha256), copyButton('SHA-256 fingerprint', c.fingerprints.sha256)]],
      ]),
    ),
  );
  const keys = p.keys.map((k) =>
    h(
      'div',
      { class: 'card' },
      h('h4', null, `Private key (${k.description})`),
      fields([
        ['Friendly name', k.friendlyName],
        ['Local key ID', k.localKeyId ? mono(k.localKeyId) : undefined],
        ['SPKI SHA-256', k.spkiSha256 ? mono(k.spkiSha256.base64) : undefined],
        ['Belongs to', p.certificates.filter((c) => c.fingerprints.spkiSha256.hex === k.spkiSha256?.hex).map((c) => c.subject.text).join('; ') || 'no certificate in this file'],
      ]),
    ),
  );
  return [
    heading(b),
    section(`Certificates (${p.certificates.length})`, certs.length ? certs : h('p', { class: 'muted' }, 'None.')),
    section(`Private keys (${p.keys.length})`, keys.length ? [...keys, h('p', { class: 'muted small' }, 'The key material itself is never shown in this viewer.')] : h('p', { class: 'muted' }, 'None.')),
  ];
}

function otherView(b: Extract<BlockView, { kind: 'pkcs7' | 'other' }>): HTMLElement[] {
  return [heading(b), b.info ? fields([['What', b.info.description], ['Size', `${b.info.derLength.toLocaleString('en')} bytes`]]) : h('p'), asn1Section(b)].filter((x): x is HTMLElement => !!x);
}

function blockView(b: BlockView): HTMLElement[] {
  if (b.error && !(b.kind === 'pkcs12' && b.locked)) {
    return [
      heading(b),
      h('div', { class: 'callout error', attrs: { role: 'alert' } }, h('strong', null, 'This block cannot be read. '), b.error.message),
      asn1Section(b),
    ].filter((x): x is HTMLElement => !!x);
  }
  switch (b.kind) {
    case 'certificate':
      return certificateView(b);
    case 'csr':
      return csrView(b);
    case 'crl':
      return crlView(b);
    case 'privateKey':
      return privateKeyView(b);
    case 'publicKey':
      return publicKeyView(b);
    case 'pkcs12':
      return pkcs12View(b);
    case 'pkcs7':
    case 'other':
      return otherView(b);
    default:
      return assertNever(b);
  }
}

// ---------------------------------------------------------------- layout

const KIND_SHORT: Record<BlockView['kind'], string> = {
  certificate: 'Certificate',
  csr: 'Request',
  crl: 'CRL',
  privateKey: 'Private key',
  publicKey: 'Public key',
  pkcs12: 'PKCS#12',
  pkcs7: 'PKCS#7',
  other: 'Other',
};

function navItem(b: BlockView, i: number): HTMLElement {
  const badgeOf = b.kind === 'certificate' ? b.validity : undefined;
  const item = h(
    'button',
    {
      class: `nav-item${i === selected ? ' selected' : ''}${b.error ? ' broken' : ''}`,
      attrs: { type: 'button', role: 'tab', id: `tab-${i}`, 'aria-selected': String(i === selected), 'aria-controls': 'detail', tabindex: i === selected ? '0' : '-1', 'data-index': String(i) },
      on: { click: () => select(i, true) },
    },
    h('span', { class: 'nav-num' }, String(i + 1)),
    h('span', { class: 'nav-text' }, h('span', { class: 'nav-title' }, b.title), h('span', { class: 'nav-kind muted' }, KIND_SHORT[b.kind], badgeOf ? ` · ${badgeOf.text}` : '')),
    badgeOf ? h('span', { class: `dot ${badgeOf.state}`, attrs: { 'aria-hidden': 'true' } }) : false,
  );
  return item;
}

function navKeydown(e: KeyboardEvent, list: HTMLElement): void {
  const items = Array.from(list.querySelectorAll<HTMLButtonElement>('.nav-item')).filter((x) => !x.hidden);
  const cur = items.indexOf(document.activeElement as HTMLButtonElement);
  let next = -1;
  if (e.key === 'ArrowDown') next = Math.min(items.length - 1, cur + 1);
  else if (e.key === 'ArrowUp') next = Math.max(0, cur - 1);
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = items.length - 1;
  if (next < 0 || !items[next]) return;
  e.preventDefault();
  items[next].focus();
  select(Number(items[next].dataset.index), false);
}

function applyFilter(list: HTMLElement): void {
  const q = filterText.trim().toLowerCase();
  for (const item of Array.from(list.querySelectorAll<HTMLElement>('.nav-item'))) item.hidden = !!q && !(item.textContent ?? '').toLowerCase().includes(q);
}

function summaryLine(s: ViewState): string {
  const counts = new Map<string, number>();
  for (const b of s.blocks) counts.set(KIND_SHORT[b.kind], (counts.get(KIND_SHORT[b.kind]) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${/^[A-Z]{2,}|#/.test(k) ? k : k.toLowerCase()}${n === 1 ? '' : 's'}`).join(', ');
}

function detailFor(s: ViewState): HTMLElement {
  const b = s.blocks[selected];
  const detail = h('section', { class: 'detail', attrs: { id: 'detail', role: s.blocks.length > 1 ? 'tabpanel' : 'region', 'aria-labelledby': s.blocks.length > 1 ? `tab-${selected}` : 'file-title' } });
  if (b) append(detail, blockView(b));
  return detail;
}

function errorView(s: ViewState): HTMLElement {
  return h(
    'div',
    { class: 'error-view', attrs: { role: 'alert' } },
    h('h1', { attrs: { id: 'file-title' } }, `Cannot show ${s.fileName}`),
    h('p', null, s.error ?? 'Unknown problem.'),
    h('div', { class: 'row' }, button('Open as Text', () => post({ type: 'openAsText' }), 'primary', undefined, 'go-to-file')),
  );
}

function render(reason: 'init' | 'update'): void {
  const t0 = performance.now();
  const s = state;
  if (!s) return;
  app.className = '';
  if (s.error || !s.blocks.length) {
    app.replaceChildren(errorView(s));
    reportRendered(reason, t0);
    return;
  }
  if (selected >= s.blocks.length) selected = 0;
  const top = h(
    'header',
    { class: 'file-head' },
    h('h1', { attrs: { id: 'file-title' } }, s.fileName),
    h('span', { class: 'muted' }, summaryLine(s)),
    h('span', { class: 'spacer' }),
    h('span', { class: 'notice', attrs: { id: 'notice', role: 'status', 'aria-live': 'polite' } }),
    button('Open as Text', () => post({ type: 'openAsText' }), 'secondary', 'Reopen this file in the text editor', 'go-to-file'),
  );
  if (s.blocks.length === 1) {
    app.replaceChildren(top, detailFor(s));
  } else {
    const list = h('div', { class: 'nav-list', attrs: { role: 'tablist', 'aria-orientation': 'vertical', 'aria-label': 'Blocks of this file' } });
    list.addEventListener('keydown', (e) => navKeydown(e, list));
    const frag = document.createDocumentFragment();
    s.blocks.forEach((b, i) => frag.append(navItem(b, i)));
    list.append(frag);
    const nav = h('nav', { class: 'nav' });
    if (s.blocks.length >= FILTER_FROM) {
      const filter = h('input', { attrs: { type: 'search', placeholder: `Filter ${s.blocks.length} blocks`, 'aria-label': 'Filter blocks', spellcheck: 'false' } });
      filter.value = filterText;
      filter.addEventListener('input', () => {
        filterText = filter.value;
        applyFilter(list);
      });
      nav.append(filter);
    }
    nav.append(list);
    applyFilter(list);
    app.replaceChildren(top, h('div', { class: 'split' }, nav, detailFor(s)));
  }
  autoValidate();
  reportRendered(reason, t0);
}

/** Renders only the detail pane after a selection change. */
function select(i: number, focusDetail: boolean): void {
  if (!state || i === selected || !state.blocks[i]) return;
  const t0 = performance.now();
  selected = i;
  vscode.setState({ selected });
  for (const item of Array.from(app.querySelectorAll<HTMLElement>('.nav-item'))) {
    const on = Number(item.dataset.index) === i;
    item.classList.toggle('selected', on);
    item.setAttribute('aria-selected', String(on));
    item.setAttribute('tabindex', on ? '0' : '-1');
  }
  const old = document.getElementById('detail');
  const fresh = detailFor(state);
  if (old) old.replaceWith(fresh);
  if (focusDetail) document.getElementById(`tab-${i}`)?.focus();
  autoValidate();
  reportRendered('select', t0);
}

/** Validates the selected certificate once, as soon as it is shown. */
function autoValidate(): void {
  const b = state?.blocks[selected];
  if (b?.kind === 'certificate' && b.info && !chains.has(b.index) && !chainPending.has(b.index)) requestChain(b.index);
}

function reportRendered(reason: 'init' | 'update' | 'chain' | 'asn1' | 'select', t0: number): void {
  const renderMs = Math.round((performance.now() - t0) * 10) / 10;
  // read the text after layout, so it is what the user sees
  requestAnimationFrame(() => {
    post({ type: 'rendered', reason, block: selected, blockCount: state?.blocks.length ?? 0, text: document.body.innerText, renderMs });
  });
}

function showNotice(text: string): void {
  const n = document.getElementById('notice');
  if (!n) return;
  n.textContent = text;
  if (noticeTimer) clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    n.textContent = '';
  }, 2500);
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
    case 'update': {
      // a changed file invalidates chain results and ASN.1 trees (they are fetched again)
      state = m.state;
      chains.clear();
      chainPending.clear();
      asn1.clear();
      render(m.type);
      return;
    }
    case 'chainResult': {
      const t0 = performance.now();
      chains.set(m.chain.block, m.chain);
      chainPending.delete(m.chain.block);
      const slot = document.getElementById(`chain-${m.chain.block}`);
      if (slot) slot.replaceChildren(chainResultView(m.chain, false));
      reportRendered('chain', t0);
      return;
    }
    case 'asn1': {
      const t0 = performance.now();
      asn1.set(m.block, m);
      const body = document.getElementById(`asn1-${m.block}`);
      if (body) fillAsn1(body, m.block);
      reportRendered('asn1', t0);
      return;
    }
    case 'notice':
      showNotice(m.text);
      return;
    default:
      assertNever(m);
  }
});

post({ type: 'ready' });
