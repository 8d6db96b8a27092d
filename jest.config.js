// LWC Jest for every component under force-app (sfdx-lwc-jest's preset: lightning stubs, apex mocks).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

export default {
  ...jestConfig,
  testMatch: ['<rootDir>/force-app/**/__tests__/**/*.test.js'],
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/node_modules/.cache'],
};
