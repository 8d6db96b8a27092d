import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lwcConfig = require('@salesforce/eslint-config-lwc');
const jestPlugin = require('eslint-plugin-jest');

export default [
  {
    ignores: ['node_modules/**', '.data/**', 'coverage/**', 'console/dist/**', 'test-results/**', 'bench-results/**', '.sf/**', '.sfdx/**'],
  },
  // The companion service, emulators and scripts: TypeScript.
  ...tseslint.config({
    files: ['service/**/*.ts', 'emulators/**/*.ts', 'scripts/**/*.ts', 'console/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-console': 'off',
    },
  }),
  {
    files: ['scripts/**/*.mjs', '*.js', 'console/**/*.mjs'],
    ...js.configs.recommended,
    languageOptions: { globals: { ...globals.node }, sourceType: 'module' },
  },
  // The console's browser code (bridge, stand-ins, shell): plain ES modules run by the LWC engine in a browser.
  {
    files: ['console/bridge/**/*.js', 'console/stand-ins/**/*.js', 'console/src/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { globals: { ...globals.browser }, sourceType: 'module', ecmaVersion: 'latest' },
  },
  // The Salesforce package's Lightning Web Components.
  ...lwcConfig.configs.recommended.map((config) => ({ ...config, files: ['force-app/**/lwc/**/*.js'] })),
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.js', 'force-app/**/lwc/**/__mocks__/**/*.js'],
    plugins: { jest: jestPlugin },
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    settings: { jest: { version: 29 } },
    rules: { ...jestPlugin.configs.recommended.rules, '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
];
