/** Every command of the extension, one file each. package.json `contributes.commands` lists the same ids. */
import { Command } from './command';
import { createCa } from './createCa';
import { createIntermediateCa } from './createIntermediateCa';
import { exportChain } from './exportChain';
import { forgetPassphrases } from './forgetPassphrases';
import { generateCrl } from './generateCrl';
import { issueCertificate } from './issueCertificate';
import { refreshTree } from './refreshTree';
import { renewCertificate } from './renewCertificate';
import { revokeCertificate } from './revokeCertificate';
import { signCsr } from './signCsr';

export const COMMANDS: readonly Command[] = [
  refreshTree,
  createCa,
  createIntermediateCa,
  issueCertificate,
  signCsr,
  revokeCertificate,
  renewCertificate,
  generateCrl,
  exportChain,
  forgetPassphrases,
];
