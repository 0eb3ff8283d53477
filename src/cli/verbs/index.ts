/** Every verb of `workspace-ca`, in the order `--help` lists them. One file per verb. */
import { Verb } from '../io';

export const VERBS: Verb[] = [];
