import { Command } from './command';

/** Rescans the workspace for CA directories (view title button). */
export const refreshTree: Command = {
  id: 'workspaceCa.refreshTree',
  writes: false,
  async run(services) {
    await services.tree.refresh();
  },
};
