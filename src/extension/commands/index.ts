/** Every command of the extension, one file each. package.json `contributes.commands` lists the same ids. */
import { Command } from './command';
import { copyFingerprint } from './copyFingerprint';
import { createCa } from './createCa';
import { createCsr } from './createCsr';
import { createUploadBundle } from './createUploadBundle';
import { createIntermediateCa } from './createIntermediateCa';
import { createKey } from './createKey';
import { distributeRoot } from './distributeRoot';
import { exportCertificate } from './exportCertificate';
import { exportChain } from './exportChain';
import { forgetPassphrases } from './forgetPassphrases';
import { generateCrl } from './generateCrl';
import { generateServerConfig } from './generateServerConfig';
import { issueCertificate } from './issueCertificate';
import { probeServer } from './probeServer';
import { refreshTree } from './refreshTree';
import { renewCertificate } from './renewCertificate';
import { revokeCertificate } from './revokeCertificate';
import { signCsr } from './signCsr';
import { verifyCertificate } from './verifyCertificate';

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
  createKey,
  createCsr,
  exportCertificate,
  copyFingerprint,
  verifyCertificate,
  forgetPassphrases,
  generateServerConfig,
  distributeRoot,
  createUploadBundle,
  probeServer,
];
