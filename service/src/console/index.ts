import type { Capability } from '../capabilities.js';
import { consoleRoutes } from './routes.js';

/**
 * The local console (issue 10): the package's setup components, built with LWC open source
 * (`npm run console:build`), served at `/console` against this service, with a server-side stand-in for
 * the Named Credential so they reach the API the way Apex does.
 */
export const consoleCapability: Capability = {
  name: 'console',
  rootRoutes: async (app) => {
    await app.register(consoleRoutes());
  },
};
