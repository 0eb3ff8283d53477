/**
 * The certificate viewer's host <-> webview protocol (STYLE.md §7). Both sides import this file:
 * src/extension/editor (the host) and media/viewer.ts (the webview). Only plain, JSON-serialisable
 * DTOs cross: the host decodes, validates and prompts; the webview renders what it is sent.
 *
 * The webview pulls: it posts `ready` once its script runs, the host answers `init`; later changes
 * of the file arrive as `update`. After every render the webview posts `rendered` with the text it
 * shows, so the host (and the integration tests, through the extension API) know what the user sees.
 *
 * Never in a message: private key material, passphrases (the host asks for them with its own input
 * box, STYLE.md §8).
 */
import type { Asn1Node, CertificateInfo, CrlInfo, CsrInfo, OtherInfo, Pkcs12Info, PrivateKeyInfo, PublicKeyInfo } from '../core/types';
import type { ChainEntry, Check } from '../core/verify/types';

/** "expires in 12 days" / "expired 3 days ago" / "not valid before ...", computed with the host's clock. */
export interface ValidityBadge {
  state: 'valid' | 'expiring' | 'expired' | 'notYetValid';
  /** Whole days until notAfter (negative once expired), or until notBefore while not yet valid. */
  days: number;
  /** The words shown on the badge. */
  text: string;
}

/** A certificate of the workspace whose public key matches a private key (SPKI SHA-256). */
export interface KeyMatch {
  /** Workspace-relative path. */
  path: string;
  /** Subject of the matching certificate. */
  subject: string;
}

/** What the host found out about a private key's certificate (never the key itself). */
export type KeyMatchState =
  | { state: 'matched'; matches: KeyMatch[]; searched: number }
  | { state: 'none'; searched: number }
  | { state: 'encrypted' }
  | { state: 'unavailable'; reason: string };

interface BlockViewBase {
  /** Position in the file (0-based); the webview echoes it in requests. */
  index: number;
  /** A short name for tabs and headings: CN, subject, "Private key (EC P-256)". */
  title: string;
  /** Where the block sits: "PEM CERTIFICATE, lines 1-20", "DER", "PKCS#7 bundle". */
  where: string;
  /** Set when the block could not be decoded; `info` is then absent. */
  error?: { code: string; message: string };
  /** True when a raw ASN.1 tree can be requested (never for private keys and PKCS#12). */
  hasAsn1: boolean;
}

/** One block of the file, ready to render. Discriminated by `kind`, like core's DecodedBlock. */
export type BlockView =
  | (BlockViewBase & { kind: 'certificate'; info?: CertificateInfo; validity?: ValidityBadge })
  | (BlockViewBase & { kind: 'csr'; info?: CsrInfo })
  | (BlockViewBase & { kind: 'crl'; info?: CrlInfo; nextUpdate?: ValidityBadge })
  | (BlockViewBase & { kind: 'privateKey'; info?: PrivateKeyInfo; match?: KeyMatchState })
  | (BlockViewBase & { kind: 'publicKey'; info?: PublicKeyInfo })
  | (BlockViewBase & { kind: 'pkcs12'; info?: Pkcs12Info; validity?: ValidityBadge[]; locked?: boolean })
  | (BlockViewBase & { kind: 'pkcs7'; info?: OtherInfo })
  | (BlockViewBase & { kind: 'other'; info?: OtherInfo });

export type BlockKind = BlockView['kind'];

/** Everything the webview shows for one file. */
export interface ViewState {
  fileName: string;
  /** The clock the badges were computed with (ISO 8601). */
  now: string;
  /** A file-level problem (empty file, neither PEM nor DER): shown as the error view. */
  error?: string;
  blocks: BlockView[];
  /** True in a trusted workspace: "Sign this CSR" is offered. */
  canSign: boolean;
  /** Where the chain panel looks by default ("openssl-ca/intermediate/certs/ca-chain.cert.pem"), if found. */
  chainFile?: string;
}

/** The chain panel's content for one certificate block. */
export interface ChainView {
  block: number;
  /** The file the trust anchors came from (workspace-relative), if any. */
  chainFile?: string;
  host?: string;
  valid: boolean;
  chain: ChainEntry[];
  checks: Check[];
  notes: string[];
  /** When the validation could not run at all (no chain file found, unreadable file). */
  problem?: string;
  /** The validation time (ISO 8601). */
  at: string;
}

// ---------------------------------------------------------------- host -> webview

/** Answer to `ready`: the full state. */
export interface InitMessage {
  type: 'init';
  state: ViewState;
}
/** The file changed on disk or in an open text editor: render again (selection is kept). */
export interface UpdateMessage {
  type: 'update';
  state: ViewState;
}
/** Result of a `verifyChain` request. */
export interface ChainResultMessage {
  type: 'chainResult';
  chain: ChainView;
}
/** Result of an `asn1` request: the raw tree of one block. */
export interface Asn1Message {
  type: 'asn1';
  block: number;
  tree?: Asn1Node;
  error?: string;
}
/** A short confirmation ("SHA-256 fingerprint copied"). */
export interface NoticeMessage {
  type: 'notice';
  text: string;
}

export type ToWebview = InitMessage | UpdateMessage | ChainResultMessage | Asn1Message | NoticeMessage;

// ---------------------------------------------------------------- webview -> host

/** The webview's script is running: send `init`. */
export interface ReadyMessage {
  type: 'ready';
}
/** What the webview now shows (its visible text), posted after every render. */
export interface RenderedMessage {
  type: 'rendered';
  /** Why it rendered. */
  reason: 'init' | 'update' | 'chain' | 'asn1' | 'select';
  /** The selected block. */
  block: number;
  blockCount: number;
  /** document.body.innerText of the rendered view. */
  text: string;
  /** Milliseconds the webview spent building the DOM. */
  renderMs: number;
}
/** Copy a value (a fingerprint, the serial) to the clipboard through the host. */
export interface CopyMessage {
  type: 'copy';
  /** What is copied, for the confirmation ("SHA-256 fingerprint"). */
  what: string;
  text: string;
}
/** Validate a certificate block against the chain file (or one picked with `pick`), optionally for a host name. */
export interface VerifyChainMessage {
  type: 'verifyChain';
  block: number;
  host?: string;
  /** Ask the user for a different chain file first. */
  pick?: boolean;
}
/** The raw ASN.1 tree of a block (loaded lazily: big bundles would otherwise carry every tree). */
export interface Asn1RequestMessage {
  type: 'asn1Request';
  block: number;
}
/** Run the extension's "Sign a Certificate Request" command on this file. */
export interface SignCsrMessage {
  type: 'signCsr';
}
/** Ask the user (in the host) for the PKCS#12 password and decode again. */
export interface UnlockPkcs12Message {
  type: 'unlockPkcs12';
}
/** Reopen the file in the text editor. */
export interface OpenAsTextMessage {
  type: 'openAsText';
}

export type FromWebview =
  | ReadyMessage
  | RenderedMessage
  | CopyMessage
  | VerifyChainMessage
  | Asn1RequestMessage
  | SignCsrMessage
  | UnlockPkcs12Message
  | OpenAsTextMessage;

/** Compile-time exhaustiveness check for switches over the unions above. */
export function assertNever(x: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(x)}`);
}
