/** Every verb of `workspace-ca`, in the order `--help` lists them. One file per verb. */
import { Verb } from '../io';
import { chainVerb, crlVerb, initVerb, intermediateVerb, issueVerb, renewVerb, revokeVerb, signVerb } from './ca';

export const VERBS: Verb[] = [
  initVerb,
  intermediateVerb,
  issueVerb,
  signVerb,
  revokeVerb,
  crlVerb,
  renewVerb,
  chainVerb,
];
