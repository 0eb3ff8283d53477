/** Every verb of `workspace-ca`, in the order `--help` lists them. One file per verb. */
import { Verb } from '../io';
import { csrVerb, exportVerb, keyVerb } from './files';
import { chainVerb, crlVerb, initVerb, intermediateVerb, issueVerb, renewVerb, revokeVerb, signVerb } from './ca';
import { inspectVerb } from './inspect';
import { lintVerb } from './lint';
import { probeVerb } from './probe';
import { verifyVerb } from './verify';
import { bundleVerb } from './bundle';
import { snippetVerb } from './snippet';
import { trustVerb } from './trust';

export const VERBS: Verb[] = [
  initVerb,
  intermediateVerb,
  issueVerb,
  signVerb,
  revokeVerb,
  crlVerb,
  renewVerb,
  chainVerb,
  keyVerb,
  csrVerb,
  exportVerb,
  inspectVerb,
  verifyVerb,
  lintVerb,
  probeVerb,
  snippetVerb,
  trustVerb,
  bundleVerb,
];
