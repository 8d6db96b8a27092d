import type { Capability } from '../capabilities.js';
import { sandboxMailRoutes } from './mail-routes.js';

/** The sandbox of `npm start`: the local mailbox page (and, with them, the emulators). */
export const sandboxCapability: Capability = {
  name: 'sandbox',
  rootRoutes: async (app) => {
    if (!app.config.sandbox) return;
    await app.register(sandboxMailRoutes);
  },
};
