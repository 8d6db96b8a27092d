// The console bundle: the package's components (force-app), compiled by LWC open source with the
// lightning-base-components, the console's stand-ins for platform-only modules, and the Apex bridge.
// See ../shared/reference/salesforce-offline-toolchain.md §2 for why each option is here.
import fs from 'node:fs';
import path from 'node:path';
import lwc from '@lwc/rollup-plugin';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { CONSOLE_DIR, DIST_DIR, FORCE_APP_LWC, ROOT_DIR, packageComponents, packageVersion, readApexMap, readLabels } from './sources.mjs';

const VIRTUAL = '\0console:';
const BRIDGE = path.join(CONSOLE_DIR, 'bridge/apexBridge.js');

/**
 * `@salesforce/label/c.*` from the package's Custom Labels (English), `@salesforce/apex/Class.method` through
 * the bridge and apex-map.json, and the console's own generated modules. A label or Apex method the package
 * does not have fails the build: on the platform it would fail the deploy.
 */
function salesforceImports() {
  const labels = readLabels();
  const apexMap = readApexMap();
  const components = packageComponents();
  return {
    name: 'console-salesforce-imports',
    resolveId(id) {
      // Only the package's own labels: LBC's `@salesforce/label/LightningX.y` resolve through its package.json.
      if (/^@salesforce\/label\/c\./.test(id) || /^@salesforce\/apex(\/|$)/.test(id) || id.startsWith('@salesforce/schema/')) return VIRTUAL + id;
      if (id === '@console/labels' || id === '@console/package' || id === '@console/components') return VIRTUAL + id;
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const spec = id.slice(VIRTUAL.length);
      let match;
      if ((match = /^@salesforce\/label\/c\.(\w+)$/.exec(spec))) {
        if (!(match[1] in labels)) this.error(`Custom Label ${match[1]} is not in force-app/main/default/labels`);
        return `export default ${JSON.stringify(labels[match[1]])};`;
      }
      if ((match = /^@salesforce\/apex\/(\w+)\.(\w+)$/.exec(spec))) {
        const name = `${match[1]}.${match[2]}`;
        // Unmapped: the method rejects with a clear message in the page; the apex-map test is what fails.
        if (!apexMap[name]) this.warn(`${name} is imported by a component but not in console/bridge/apex-map.json`);
        return `import { makeApexMethod } from ${JSON.stringify(BRIDGE)};
export default makeApexMethod(${JSON.stringify(name)}, ${JSON.stringify(apexMap[name] ?? null)});`;
      }
      if ((match = /^@salesforce\/schema\/(\w+)(?:\.(.+))?$/.exec(spec))) {
        return `export default ${JSON.stringify(match[2] ? { objectApiName: match[1], fieldApiName: match[2] } : { objectApiName: match[1] })};`;
      }
      if (spec === '@console/labels') return `export default ${JSON.stringify(labels)};`;
      if (spec === '@console/package') return `export const PACKAGE_VERSION = ${JSON.stringify(packageVersion())};`;
      if (spec === '@console/components') {
        // The rep's record component joins the record page as soon as the package has it.
        return components.includes('msiPersonInsight')
          ? `export { default as personInsight } from 'c/msiPersonInsight';`
          : 'export const personInsight = null;';
      }
      return this.error(`The console has no module for ${spec}`);
    },
  };
}

/** @param {{ production: boolean }} options */
export function consoleRollupConfig({ production }) {
  const aliases = packageComponents().map((name) => ({ name: `c/${name}`, path: path.join(FORCE_APP_LWC, name, `${name}.js`) }));
  const standIns = ['navigation', 'platformShowToastEvent'].map((name) => ({
    name: `lightning/${name}`,
    path: path.join(CONSOLE_DIR, 'stand-ins/lightning', name, `${name}.js`),
  }));
  const mode = production ? 'production' : 'development';
  return {
    input: path.join(CONSOLE_DIR, 'src/main.js'),
    output: {
      file: path.join(DIST_DIR, 'app.js'),
      format: 'esm',
      inlineDynamicImports: true,
      sourcemap: !production,
    },
    onwarn(warning, warn) {
      // A bare import left in the bundle fails only in the browser, on the page that reaches it.
      if (warning.code === 'UNRESOLVED_IMPORT') {
        throw new Error(`Unresolved import: ${warning.message.replace(/\.$/, '')}. Add a stand-in under console/stand-ins.`);
      }
      // LBC's own templates (LWC1149 key attributes, LWC1057 colspan) and `this` at module level in its
      // dependencies: harmless and not ours to fix.
      if (warning.plugin === 'rollup-plugin-lwc-compiler' || warning.code === 'THIS_IS_UNDEFINED') return;
      if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return;
      warn(warning);
    },
    plugins: [
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': JSON.stringify(mode), 'import.meta.env.SSR': 'false' },
      }),
      salesforceImports(),
      lwc({
        rootDir: ROOT_DIR,
        // Stand-ins first: the first module record that names a specifier wins over LBC's.
        modules: [...standIns, { dir: path.join(CONSOLE_DIR, 'src/modules') }, ...aliases, { npm: 'lightning-base-components' }],
        enableDynamicComponents: true,
        enableSyntheticElementInternals: true,
      }),
      nodeResolve(),
      ...(production ? [terser({ format: { comments: false } })] : []),
    ],
  };
}

/** The page that loads the bundle, with the build hash so a browser never keeps an old bundle. */
export function indexHtml(hash) {
  return fs.readFileSync(path.join(CONSOLE_DIR, 'src/index.html'), 'utf8').replace('%BUILD_HASH%', hash.slice(0, 16));
}
