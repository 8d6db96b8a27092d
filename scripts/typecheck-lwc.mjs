#!/usr/bin/env node
// Type-checks the package's Lightning Web Components: JavaScript with JSDoc types, checked by
// TypeScript (`checkJs`) against @salesforce/lightning-types and the lwc package. Each `c/<name>`
// import maps to its bundle; the tsconfig is written here because that map follows the folders.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const lwcDir = 'force-app/main/default/lwc';
const bundles = fs.readdirSync(lwcDir).filter((name) => fs.existsSync(path.join(lwcDir, name, `${name}.js`)));
const config = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    strict: false,
    baseUrl: root,
    paths: Object.fromEntries(bundles.map((name) => [`c/${name}`, [path.join(root, lwcDir, name, `${name}.js`)]])),
    types: [],
  },
  include: [path.join(root, 'types/lwc-platform.d.ts'), path.join(root, lwcDir, '**/*.js')],
  exclude: [path.join(root, lwcDir, '**/__tests__/**'), path.join(root, lwcDir, '**/__mocks__/**')],
};
fs.mkdirSync('node_modules/.cache', { recursive: true });
const file = 'node_modules/.cache/tsconfig.lwc.json';
fs.writeFileSync(file, JSON.stringify(config, null, 2));
const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', file], { stdio: 'inherit' });
if (result.status === 0) console.log(`Type-checked ${bundles.length} LWC bundle(s).`);
process.exit(result.status ?? 1);
