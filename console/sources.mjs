// What the console is built from: the package's components and labels, the console's own modules, and
// the Apex mapping. The build, its cache check and the tests all read these lists from here, so a new
// input cannot be built without also being hashed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

export const CONSOLE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = path.resolve(CONSOLE_DIR, '..');
export const FORCE_APP = path.join(ROOT_DIR, 'force-app/main/default');
export const FORCE_APP_LWC = path.join(FORCE_APP, 'lwc');
export const LABELS_FILE = path.join(FORCE_APP, 'labels/CustomLabels.labels-meta.xml');
export const APEX_CLASSES = path.join(FORCE_APP, 'classes');
export const APEX_MAP_FILE = path.join(CONSOLE_DIR, 'bridge/apex-map.json');
export const DIST_DIR = path.join(CONSOLE_DIR, 'dist');
export const BUILD_INFO_FILE = path.join(DIST_DIR, 'build.json');

/** The package's LWC bundles (folders with `<name>/<name>.js`), which sfdx lays out flat, not as namespace/name. */
export function packageComponents() {
  if (!fs.existsSync(FORCE_APP_LWC)) return [];
  return fs
    .readdirSync(FORCE_APP_LWC)
    .filter((name) => fs.existsSync(path.join(FORCE_APP_LWC, name, `${name}.js`)))
    .sort();
}

/** Custom Labels of the package, English values by API name. */
export function readLabels() {
  const parser = new XMLParser({ isArray: (name) => name === 'labels', parseTagValue: false, trimValues: false });
  const xml = parser.parse(fs.readFileSync(LABELS_FILE, 'utf8'));
  const labels = {};
  for (const label of xml.CustomLabels?.labels ?? []) labels[String(label.fullName).trim()] = String(label.value ?? '');
  return labels;
}

/** The Apex mapping: which endpoint each `@salesforce/apex/Class.method` the components import calls. */
export function readApexMap() {
  return JSON.parse(fs.readFileSync(APEX_MAP_FILE, 'utf8'));
}

/** The package version Apex sends on every callout (`MsiActionsClient.PACKAGE_VERSION`). */
export function packageVersion() {
  const source = fs.readFileSync(path.join(APEX_CLASSES, 'MsiActionsClient.cls'), 'utf8');
  const match = /PACKAGE_VERSION\s*=\s*'([^']+)'/.exec(source);
  if (!match) throw new Error('MsiActionsClient.cls: PACKAGE_VERSION not found; the console sends the same version header as Apex.');
  return match[1];
}

function filesUnder(dir, skip = () => false) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (skip(entry.name)) return [];
    return entry.isDirectory() ? filesUnder(full, skip) : [full];
  });
}

/** Every file whose content changes the bundle (tests and the built output excluded). */
export function buildInputs() {
  const notTests = (name) => name === '__tests__' || name === '__mocks__';
  return [
    ...filesUnder(FORCE_APP_LWC, notTests),
    LABELS_FILE,
    ...filesUnder(path.join(CONSOLE_DIR, 'src')),
    ...filesUnder(path.join(CONSOLE_DIR, 'stand-ins')),
    ...filesUnder(path.join(CONSOLE_DIR, 'bridge')),
    path.join(CONSOLE_DIR, 'sources.mjs'),
    path.join(CONSOLE_DIR, 'rollup.config.mjs'),
    path.join(CONSOLE_DIR, 'build.mjs'),
    // Versions of LWC, the base components and rollup: the lockfile pins them.
    path.join(ROOT_DIR, 'package-lock.json'),
  ]
    .filter((file) => fs.existsSync(file))
    .sort();
}
