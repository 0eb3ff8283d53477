/**
 * Live TLS probe: connect to host:port, read the certificate chain the server sends, and judge it
 * ourselves: path validation with the verify engine (against a given CA or Node's bundled roots),
 * whether the served chain is complete, and whether the leaf is the workspace certificate the
 * user expects (same DER, or at least the same key).
 *
 * The handshake runs with rejectUnauthorized: false and an empty trust store (`ca: []`): the goal
 * is to see what is served, not to trust it, and with an empty store Node cannot append a root
 * of its own to getPeerCertificate(true)'s chain. The socket factory and the timeout are
 * parameters, so tests stay on 127.0.0.1 and bounded in time.
 */
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { sha256 } from './digest';
import { PkiError } from './errors';
import { CertificateSummary, summarizeCertificate } from './embedded';
import { DEFAULT_WARN_DAYS, expiryStatus } from './expiry';
import { Finding, sortFindings } from './lint';
import { ParsedCertificate, parseCertificate } from './der/x509';
import { splitPem, toPem } from './pem';
import { TrustStore, type CertInput, type VerifyResult } from './verify';
import { PreparedCert, prepare } from './verify/prepared';

export type SocketFactory = (options: tls.ConnectionOptions) => tls.TLSSocket;

export interface ProbeTarget {
  host: string;
  port: number;
}

export interface ProbeOptions {
  host: string;
  /** Default 443. */
  port?: number;
  /** Server name sent as SNI and checked against the leaf; default `host` (no SNI for IP literals, RFC 6066 §3). */
  servername?: string;
  /** Validation time (STYLE.md §10). */
  now: Date;
  /** Connect + handshake budget in milliseconds (default 10,000). */
  timeoutMs?: number;
  /** Trusted certificates (a root, or a ca-chain file's certificates). Default: Node's bundled roots (tls.rootCertificates). */
  anchors?: CertInput[];
  /** The workspace certificate the server should be serving. */
  expect?: CertInput;
  /** "Expiring soon" window for the served leaf (default 30 days). */
  warnDays?: number;
  /** Socket factory (default tls.connect). */
  connect?: SocketFactory;
}

export type ProbeCode =
  | 'verify-failed'
  | 'chain-incomplete'
  | 'root-served'
  | 'expected-certificate'
  | 'unexpected-certificate'
  | 'stale-certificate'
  | 'expiring-soon';

export type ProbeFinding = Finding<ProbeCode>;

/** A certificate as served, leaf first. */
export interface ServedCertificate extends CertificateSummary {
  pem: string;
}

export interface ExpectMatch {
  /** The served leaf is byte for byte the expected certificate. */
  matches: boolean;
  /** The served leaf certifies the same public key (a renewal not yet deployed, or the same cert). */
  sameKey: boolean;
  message: string;
}

export interface ProbeResult {
  /** "host:port" ("[::1]:443" for IPv6). */
  target: string;
  host: string;
  port: number;
  servername?: string;
  /** "TLSv1.3", ... */
  protocol?: string;
  cipher?: string;
  /** What the server sent, leaf first (in issuer order, as Node links it). */
  chain: ServedCertificate[];
  /** Which trust was used: the given CA certificates, or Node's bundled roots. */
  trust: 'given' | 'system';
  verify: VerifyResult;
  valid: boolean;
  /** The served certificates reach a self-signed trusted root without help from trusted intermediates. */
  complete: boolean;
  completeness: string;
  expect?: ExpectMatch;
  /** Everything worth showing, errors first. */
  findings: ProbeFinding[];
}

/** "host", "host:port", "[v6]:port", "https://host:port/path" -> host and port. */
export function parseProbeTarget(text: string, defaultPort = 443): ProbeTarget {
  let s = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  s = s.replace(/[/?#].*$/, '');
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else if (isIP(s) === 6) {
    host = s;
  } else {
    const i = s.lastIndexOf(':');
    host = i >= 0 ? s.slice(0, i) : s;
    portText = i >= 0 ? s.slice(i + 1) : undefined;
  }
  if (!host) throw new PkiError('usage', `"${text}" has no host name: write host:port, e.g. www.example.com:443`);
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) throw new PkiError('usage', `"${portText}" is not a port number (1-65535)`);
    port = Number(portText);
  }
  return { host, port };
}

function targetText(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** TLS alert and OpenSSL reason codes in words. */
const TLS_WORDS: Record<string, string> = {
  WRONG_VERSION_NUMBER: 'does not speak TLS on this port (is it plain HTTP?)',
  PACKET_LENGTH_TOO_LONG: 'does not speak TLS on this port (is it plain HTTP?)',
  HTTP_REQUEST: 'does not speak TLS on this port',
  SSLV3_ALERT_HANDSHAKE_FAILURE: 'refused the handshake (handshake_failure alert): no protocol version or cipher in common, or it wants a client certificate',
  TLSV1_ALERT_PROTOCOL_VERSION: 'refused the handshake (protocol_version alert): no TLS version in common (TLS 1.2 or later is required here)',
  UNSUPPORTED_PROTOCOL: 'offers only a TLS version that is no longer accepted (TLS 1.2 or later is required here)',
  TLSV1_UNRECOGNIZED_NAME: 'does not serve this name (unrecognized_name alert): check the SNI name',
  TLSV1_ALERT_UNRECOGNIZED_NAME: 'does not serve this name (unrecognized_name alert): check the SNI name',
  TLSV13_ALERT_CERTIFICATE_REQUIRED: 'requires a client certificate (mutual TLS; certificate_required alert)',
  SSLV3_ALERT_BAD_CERTIFICATE: 'rejected the handshake (bad_certificate alert): it probably wants a client certificate',
  TLSV1_ALERT_INTERNAL_ERROR: 'reported an internal error (internal_error alert): often no certificate is configured for this name',
  TLSV1_ALERT_ACCESS_DENIED: 'denied access (access_denied alert)',
  TLSV1_ALERT_INSUFFICIENT_SECURITY: 'requires stronger ciphers than offered (insufficient_security alert)',
  TLSV1_ALERT_DECODE_ERROR: 'sent or received a malformed handshake message (decode_error alert)',
  SSLV3_ALERT_ILLEGAL_PARAMETER: 'rejected a handshake parameter (illegal_parameter alert)',
  NO_PROTOCOLS_AVAILABLE: 'has no TLS version in common with this client',
  DH_KEY_TOO_SMALL: 'uses a Diffie-Hellman key that is too small',
};

/** A connection or handshake error as one sentence a person understands. */
export function describeProbeError(e: unknown, host: string, port: number, timeoutMs?: number): string {
  const t = targetText(host, port);
  const err = e as NodeJS.ErrnoException & { reason?: string };
  const code = err?.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return `Nothing is listening on ${t} (connection refused)`;
    case 'ETIMEDOUT':
    case 'PROBE_TIMEOUT':
      return `No answer from ${t} within ${timeoutMs !== undefined ? `${+(timeoutMs / 1000).toFixed(3)} s` : 'the time allowed'}`;
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return `The host name ${host} cannot be resolved (no DNS record)`;
    case 'EAI_AGAIN':
      return `The host name ${host} cannot be resolved right now (DNS lookup failed temporarily)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from here (no route to the host)`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${t} closed the connection during the TLS handshake (is it a TLS port? does it need a client certificate?)`;
  }
  if (code.startsWith('ERR_SSL_')) {
    const reason = code.slice('ERR_SSL_'.length);
    const words = TLS_WORDS[reason] ?? `failed the TLS handshake (${reason.toLowerCase().replace(/_/g, ' ')})`;
    return `${t} ${words}`;
  }
  return `Cannot connect to ${t}: ${err instanceof Error ? err.message : String(e)}`;
}

interface Handshake {
  chain: Buffer[];
  protocol?: string;
  cipher?: string;
}

function handshake(o: { host: string; port: number; servername?: string; timeoutMs: number; connect: SocketFactory }): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let socket: tls.TLSSocket | undefined;
    const finish = (err: unknown, value?: Handshake) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      if (err) reject(new PkiError('io', describeProbeError(err, o.host, o.port, o.timeoutMs)));
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(Object.assign(new Error('timeout'), { code: 'PROBE_TIMEOUT' })), o.timeoutMs);
    try {
      socket = o.connect({
        host: o.host,
        port: o.port,
        servername: o.servername,
        // Read what is served; we validate it ourselves below.
        rejectUnauthorized: false,
        // An empty store: Node must not add a root of its own to the peer chain.
        ca: [],
      });
    } catch (e) {
      finish(e);
      return;
    }
    socket.once('error', (e) => finish(e));
    socket.once('close', () => finish(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
    socket.once('secureConnect', () => {
      try {
        const s = socket!;
        const chain: Buffer[] = [];
        const seen = new Set<string>();
        let c: tls.DetailedPeerCertificate | undefined = s.getPeerCertificate(true);
        while (c && c.raw && chain.length < 32) {
          const fp = sha256(c.raw).toString('hex');
          if (seen.has(fp)) break;
          seen.add(fp);
          chain.push(Buffer.from(c.raw));
          c = c.issuerCertificate;
        }
        const cipher = s.getCipher();
        finish(undefined, { chain, protocol: s.getProtocol() ?? undefined, cipher: cipher?.name });
      } catch (e) {
        finish(e);
      }
    });
  });
}

let systemStore: TrustStore | undefined;

/** Node's bundled Mozilla roots as a trust store, built once. */
function systemTrustStore(): TrustStore {
  if (!systemStore) {
    const ders: Buffer[] = [];
    for (const pem of tls.rootCertificates) {
      try {
        for (const b of splitPem(pem)) ders.push(b.der);
      } catch {
        /* skip an unreadable bundled root */
      }
    }
    systemStore = new TrustStore(ders);
  }
  return systemStore;
}

function toParsed(c: CertInput): ParsedCertificate {
  if (Buffer.isBuffer(c)) return parseCertificate(c);
  if (c instanceof Uint8Array) return parseCertificate(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  return c;
}

/** Does the served chain reach a self-signed trusted root on its own? */
function completeness(served: PreparedCert[], anchors: readonly PreparedCert[]): { complete: boolean; message: string; finding?: ProbeFinding; note?: ProbeFinding } {
  if (served.length === 0) return { complete: false, message: 'The server sent no certificate' };
  const last = served[served.length - 1];
  if (last.selfIssued) {
    const note: ProbeFinding | undefined =
      served.length > 1
        ? { severity: 'info', code: 'root-served', message: `The server also sends the root '${last.label}': harmless, but clients use their own copy of the root`, fix: 'Serve the leaf and intermediates only' }
        : undefined;
    return { complete: true, message: served.length > 1 ? `The server sends the whole chain up to the root '${last.label}'` : `The server sends a self-signed certificate '${last.label}'`, note };
  }
  const issuers = anchors.filter((a) => a.subjectKey === last.issuerKey);
  if (issuers.some((a) => a.selfIssued)) {
    return { complete: true, message: `The server sends the chain up to '${last.label}', issued by the trusted root '${last.issuerLabel}'` };
  }
  if (issuers.length) {
    const message = `The server does not send the intermediate CA '${last.issuerLabel}' that issued '${last.label}': clients that trust only the root cannot build a chain`;
    return { complete: false, message, finding: { severity: 'error', code: 'chain-incomplete', message, fix: 'Configure the server with the full chain: the certificate followed by its intermediates (e.g. cat cert.pem ca-chain.cert.pem)' } };
  }
  const message = `The chain the server sends ends at '${last.label}', and no certificate sent by the server or trusted here issued it ('${last.issuerLabel}'): the server leaves out an intermediate CA, or its CA is not trusted here`;
  return { complete: false, message, finding: { severity: 'error', code: 'chain-incomplete', message, fix: 'Serve the full chain (certificate + intermediates), and pass the right root with --ca' } };
}

/**
 * Connects to `host:port`, reads the served chain and judges it. Connection and handshake
 * failures throw PkiError('io') with a message in words ("Nothing is listening on host:443");
 * certificate problems are data in the result.
 */
export async function probeTls(opts: ProbeOptions): Promise<ProbeResult> {
  const host = opts.host;
  const port = opts.port ?? 443;
  if (!host) throw new PkiError('usage', 'A host name is needed');
  const servername = opts.servername ?? (isIP(host) ? undefined : host);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const hs = await handshake({ host, port, servername, timeoutMs, connect: opts.connect ?? tls.connect });
  if (hs.chain.length === 0) throw new PkiError('io', `${targetText(host, port)} completed the handshake without sending a certificate`);

  const served = hs.chain.map((d) => prepare(d));
  const store = opts.anchors ? new TrustStore(opts.anchors) : systemTrustStore();
  const verify = store.verify({ leaf: served[0].cert, intermediates: served.slice(1).map((p) => p.cert), now: opts.now, host: servername ?? host });
  const findings: ProbeFinding[] = [];
  for (const c of verify.checks) if (c.status === 'fail') findings.push({ severity: 'error', code: 'verify-failed', message: c.message, fix: c.fix });

  const comp = completeness(served, store.anchors);
  if (comp.finding) findings.push(comp.finding);
  if (comp.note) findings.push(comp.note);

  const leaf = served[0].cert;
  const st = expiryStatus(leaf, opts.now, opts.warnDays ?? DEFAULT_WARN_DAYS);
  if (st.state === 'expiring') findings.push({ severity: 'warning', code: 'expiring-soon', message: `The served certificate '${served[0].label}' ${st.message}`, fix: 'Renew it and reload the server' });

  let expect: ExpectMatch | undefined;
  if (opts.expect !== undefined) {
    const want = toParsed(opts.expect);
    const matches = want.der.equals(leaf.der);
    const sameKey = want.spki.equals(leaf.spki);
    const wantLabel = new PreparedCert(want).label;
    const serial = (c: ParsedCertificate) => c.serialHex.toUpperCase();
    let message: string;
    if (matches) {
      message = `The server serves the expected certificate '${wantLabel}' (serial ${serial(want)})`;
      findings.push({ severity: 'info', code: 'expected-certificate', message });
    } else if (sameKey) {
      message = `The server serves a different certificate for the same key: serial ${serial(leaf)}, valid until ${leaf.notAfter.toISOString().slice(0, 10)}, instead of serial ${serial(want)} (valid until ${want.notAfter.toISOString().slice(0, 10)})`;
      findings.push({ severity: 'warning', code: 'stale-certificate', message, fix: 'Was the certificate renewed without reloading the server? Reload or restart it' });
    } else {
      message = `The server serves '${served[0].label}' (serial ${serial(leaf)}), not the expected certificate '${wantLabel}' (serial ${serial(want)})`;
      findings.push({ severity: 'error', code: 'unexpected-certificate', message, fix: 'Point the server at the workspace certificate and key, then reload it' });
    }
    expect = { matches, sameKey, message };
  }

  const result: ProbeResult = {
    target: targetText(host, port),
    host,
    port,
    protocol: hs.protocol,
    cipher: hs.cipher,
    chain: served.map((p) => ({ ...summarizeCertificate(p.cert, opts.now, opts.warnDays), pem: toPem('CERTIFICATE', p.cert.der) })),
    trust: opts.anchors ? 'given' : 'system',
    verify,
    valid: verify.valid,
    complete: comp.complete,
    completeness: comp.message,
    findings: sortFindings(findings),
  };
  if (servername !== undefined) result.servername = servername;
  if (expect) result.expect = expect;
  return result;
}
