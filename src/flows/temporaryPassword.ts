/** Admin-issued temporary password: the user proves it by signing in, then must choose a new one. */
import type { FlowMachine } from './machine.js';

export const temporaryPasswordFlow: FlowMachine = {
  kind: 'temporaryPassword',
  initial: 'change-password',
  transitions: {
    'change-password': { changed: 'done' },
  },
};
