import { Command } from './command';

/** Deletes every CA key passphrase kept in SecretStorage. */
export const forgetPassphrases: Command = {
  id: 'workspaceCa.forgetPassphrases',
  writes: false,
  async run(services) {
    const n = await services.passphrases.forgetAll();
    void services.prompter().showInformationMessage(n ? `Forgot ${n} remembered passphrase(s).` : 'No passphrase was remembered.');
    return n;
  },
};
