#!/usr/bin/env node
// Offline validation of the Salesforce package (`npm run test:package`): what a deploy would reject and what
// no Salesforce tool checks, without an org. Prints one line per check and exits non-zero when any fails.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGE_DIR = path.join(ROOT, 'force-app');
const DEFAULT_DIR = path.join(PACKAGE_DIR, 'main/default');
const HERE = path.join(ROOT, 'scripts/validate-package');
const JAVA_LIB = path.join(path.dirname(require.resolve('@salesforce/code-analyzer-pmd-engine/package.json')), 'dist/java-lib');
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

const rel = (file) => path.relative(ROOT, file);

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

/** Apex source without comments and string contents, so patterns do not match inside them. */
function stripApexComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
}

const isTestClass = (source) => /^\s*@IsTest\b[\s\S]*?\bclass\b/i.test(stripApexComments(source));

const allFiles = walk(PACKAGE_DIR);
const apexFiles = allFiles.filter((f) => /\.(cls|trigger)$/.test(f));
const apexSources = new Map(apexFiles.map((f) => [f, fs.readFileSync(f, 'utf8')]));
const lwcDir = path.join(DEFAULT_DIR, 'lwc');
const lwcSources = allFiles.filter(
  (f) => f.startsWith(lwcDir + path.sep) && f.endsWith('.js') && !/[\\/](__tests__|__mocks__)[\\/]/.test(f),
);

// ---------------------------------------------------------------------------------------------------------
// The checks. Each returns { summary, problems: string[] } or { skipped: reason }.

async function apexSyntax() {
  const { ApexParserFactory, ApexErrorListener } = await import('@apexdevtools/apex-parser');
  const problems = [];
  for (const [file, source] of apexSources) {
    class Listener extends ApexErrorListener {
      apexSyntaxError(line, column, message) {
        problems.push(`${rel(file)}:${line}:${column} ${message}`);
      }
    }
    const { parser } = ApexParserFactory.createLexerAndParser(source, new Listener());
    if (file.endsWith('.trigger')) parser.triggerUnit();
    else parser.compilationUnit();
  }
  return { summary: `${apexSources.size} Apex file(s) parsed`, problems };
}

function javaAvailable() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return result.status === 0;
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function apexSemantics() {
  if (!javaAvailable()) return { skipped: 'java is not on PATH (needs Java 11 or newer)' };
  // -n: no cache in ~/.apexlink_cache; exit 0 clean, 4 issues found, anything else a crash.
  const { code, stdout, stderr } = await run('java', [
    '-cp',
    path.join(JAVA_LIB, '*'),
    'io.github.apexdevtools.apexls.CheckForIssues',
    '-n',
    '-d',
    'warnings',
    '-w',
    ROOT,
  ]);
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  if (code === 0) return { summary: 'apex-ls found no issues', problems: [] };
  if (code === 4) return { summary: 'apex-ls found issues', problems: lines.map((l) => l.replace(ROOT + path.sep, '')) };
  return { summary: 'apex-ls crashed', problems: [`exit ${code}: ${stderr.trim() || stdout.trim()}`] };
}

async function apexPmd() {
  if (!javaAvailable()) return { skipped: 'java is not on PATH (needs Java 11 or newer)' };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-pmd-'));
  try {
    const input = path.join(work, 'input.json');
    const output = path.join(work, 'results.json');
    const files = [...apexSources.keys()];
    fs.writeFileSync(
      input,
      JSON.stringify({
        ruleSetInputFile: path.join(HERE, 'pmd-ruleset.xml'),
        runDataPerLanguage: { apex: { filesToScan: files } },
      }),
    );
    // The PMD wrapper that Salesforce Code Analyzer itself drives, with our ruleset instead of its selection.
    const { code, stdout, stderr } = await run('java', [
      '-cp',
      path.join(JAVA_LIB, '*'),
      'com.salesforce.sfca.pmdwrapper.PmdWrapper',
      'run',
      input,
      output,
    ]);
    if (code !== 0 || !fs.existsSync(output)) {
      return { summary: 'PMD crashed', problems: [`exit ${code}: ${stderr.trim() || stdout.trim()}`] };
    }
    const results = JSON.parse(fs.readFileSync(output, 'utf8'));
    const problems = [
      ...results.violations.map(
        (v) => `${rel(v.codeLocation.file)}:${v.codeLocation.startLine}:${v.codeLocation.startCol} ${v.rule}: ${v.message}`,
      ),
      ...results.processingErrors.map((e) => `${rel(e.file ?? '')} processing error: ${e.message ?? JSON.stringify(e)}`),
    ];
    return { summary: `PMD (pmd-ruleset.xml) on ${files.length} Apex file(s)`, problems };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function metadataConversion() {
  const { ComponentSet, MetadataConverter, ForceIgnore } = require('@salesforce/source-deploy-retrieve');
  const problems = [];
  const forceIgnore = ForceIgnore.findAndCreate(ROOT);
  let set;
  try {
    set = ComponentSet.fromSource(PACKAGE_DIR);
  } catch (error) {
    return { summary: 'source-deploy-retrieve could not read force-app', problems: [error.message] };
  }
  const covered = new Set();
  const counts = new Map();
  for (const component of set.getSourceComponents()) {
    counts.set(component.type.name, (counts.get(component.type.name) ?? 0) + 1);
    const stack = [component];
    while (stack.length > 0) {
      const current = stack.pop();
      if (current.xml) covered.add(current.xml);
      if (current.content) {
        for (const file of fs.statSync(current.content).isDirectory() ? walk(current.content) : [current.content]) {
          covered.add(file);
        }
      }
      stack.push(...current.getChildren());
    }
  }
  for (const file of allFiles) {
    if (forceIgnore.denies(file)) continue;
    if (!covered.has(file)) problems.push(`${rel(file)} is not part of any metadata component`);
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'msi-mdapi-'));
  try {
    await new MetadataConverter().convert(set, 'metadata', { type: 'directory', outputDirectory: out, genUniqueDir: false });
    const converted = walk(out);
    if (!converted.some((f) => f.endsWith('package.xml'))) problems.push('the conversion wrote no package.xml');
    const leaked = converted.filter((f) => /__tests__|\.test\.js$/.test(f));
    for (const f of leaked) problems.push(`test file in the deployable output: ${path.relative(out, f)}`);
  } catch (error) {
    problems.push(`conversion to metadata API format failed: ${error.message}`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  const summary = [...counts].sort().map(([type, n]) => `${n} ${type}`).join(', ');
  return { summary: `converted to metadata API format: ${summary}`, problems };
}

async function xmlWellFormed() {
  const { XMLValidator } = await import('fast-xml-parser');
  const files = [...allFiles.filter((f) => f.endsWith('.xml')), path.join(HERE, 'pmd-ruleset.xml')];
  const problems = [];
  for (const file of files) {
    const result = XMLValidator.validate(fs.readFileSync(file, 'utf8'));
    if (result !== true) problems.push(`${rel(file)}:${result.err.line}:${result.err.col} ${result.err.msg}`);
  }
  return { summary: `${files.length} XML file(s) well-formed`, problems };
}

async function lwcBundles() {
  const problems = [];
  const bundles = fs.existsSync(lwcDir) ? fs.readdirSync(lwcDir).filter((n) => fs.statSync(path.join(lwcDir, n)).isDirectory()) : [];
  for (const name of bundles) {
    if (name.startsWith('__') || name.startsWith('.')) continue;
    for (const required of [`${name}.js`, `${name}.js-meta.xml`]) {
      if (!fs.existsSync(path.join(lwcDir, name, required))) problems.push(`lwc/${name} has no ${required}`);
    }
  }
  return { summary: `${bundles.length} LWC bundle(s) complete`, problems };
}

/** `@AuraEnabled` methods per class: { className(lowercase) -> Set(methodName lowercase) }. */
function auraEnabledMethods() {
  const methods = new Map();
  for (const [file, source] of apexSources) {
    if (!file.endsWith('.cls')) continue;
    const className = path.basename(file, '.cls').toLowerCase();
    const names = new Set();
    const pattern = /@AuraEnabled\b(?:\s*\([^)]*\))?\s+(?:(?:public|global|static|override|virtual)\s+)+[\w.<>,\s]+?\s(\w+)\s*\(/gi;
    for (const match of stripApexComments(source).matchAll(pattern)) names.add(match[1].toLowerCase());
    methods.set(className, names);
  }
  return methods;
}

async function lwcApexImports() {
  const methods = auraEnabledMethods();
  const problems = [];
  let count = 0;
  for (const file of lwcSources) {
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/['"]@salesforce\/apex\/(\w+)\.(\w+)['"]/g)) {
      count += 1;
      const [, className, method] = match;
      if (!methods.has(className.toLowerCase())) problems.push(`${rel(file)} imports ${className}.${method}: no class ${className}`);
      else if (!methods.get(className.toLowerCase()).has(method.toLowerCase()))
        problems.push(`${rel(file)} imports ${className}.${method}: no @AuraEnabled method ${method} in ${className}`);
    }
  }
  return { summary: `${count} Apex import(s) in LWC resolve to @AuraEnabled methods`, problems };
}

async function customLabels() {
  const { XMLParser } = await import('fast-xml-parser');
  const parser = new XMLParser({ isArray: (name) => ['labels', 'customLabels'].includes(name) });
  const labelFile = path.join(DEFAULT_DIR, 'labels/CustomLabels.labels-meta.xml');
  const defined = new Set(
    fs.existsSync(labelFile) ? (parser.parse(fs.readFileSync(labelFile, 'utf8')).CustomLabels?.labels ?? []).map((l) => l.fullName) : [],
  );
  const problems = [];
  const used = new Map();
  for (const file of lwcSources) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/['"]@salesforce\/label\/c\.(\w+)['"]/g)) used.set(m[1], file);
  }
  for (const [file, source] of apexSources) {
    for (const m of stripApexComments(source).matchAll(/\b(?:System\.)?Label\.(\w+)/gi)) used.set(m[1], file);
  }
  for (const [name, file] of used) if (!defined.has(name)) problems.push(`${rel(file)} uses the undefined label ${name}`);
  const translationsDir = path.join(DEFAULT_DIR, 'translations');
  const translationFiles = walk(translationsDir).filter((f) => f.endsWith('.translation-meta.xml'));
  for (const file of translationFiles) {
    const translated = new Map(
      (parser.parse(fs.readFileSync(file, 'utf8')).Translations?.customLabels ?? []).map((l) => [l.name, String(l.label ?? '')]),
    );
    for (const name of defined) {
      if (!translated.get(name)?.trim()) problems.push(`${rel(file)} has no translation of ${name}`);
    }
    for (const name of translated.keys()) if (!defined.has(name)) problems.push(`${rel(file)} translates the unknown label ${name}`);
  }
  return {
    summary: `${defined.size} label(s), ${used.size} used, translated in ${translationFiles.map((f) => path.basename(f).split('.')[0]).join(', ') || 'no language'}`,
    problems,
  };
}

/** Every `send('METHOD', '/path')` in the package's non-test Apex. */
function apexEndpoints() {
  const endpoints = [];
  const problems = [];
  for (const [file, source] of apexSources) {
    if (isTestClass(source)) continue;
    const code = stripApexComments(source);
    // The whole text, not line by line: Prettier may break a call over several lines.
    for (const m of code.matchAll(/\bsend\(\s*([^,)]*)/g)) {
      const first = m[1].trim();
      const line = code.slice(0, m.index).split('\n').length;
      // A declaration (`String send(String method, ...`) has a typed first parameter, not an argument.
      if (/^[\w.]+(?:<[\w.,\s<>]+>)?\s+\w+$/.test(first)) continue;
      const literal = /^'([A-Z]+)'\s*,\s*'([^']*)'/.exec(code.slice(m.index + 5).trim());
      if (literal) endpoints.push({ file, line, method: literal[1], path: literal[2] });
      else if (!(path.basename(file) === 'MsiActionsClient.cls' && /^(httpRequest|method)$/.test(first)))
        problems.push(`${rel(file)}:${line} send(${first}, ...) does not name its method and path as literals`);
    }
  }
  return { endpoints, problems };
}

async function openApiEndpoints(openApiPromise) {
  const { endpoints, problems } = apexEndpoints();
  let document;
  try {
    document = await openApiPromise;
  } catch (error) {
    return { summary: 'the OpenAPI document could not be built', problems: [error.message] };
  }
  const normalise = (p) => p.replace(/\{[^}]+\}/g, '{}');
  const operations = new Map();
  for (const [p, item] of Object.entries(document.paths ?? {})) {
    for (const method of Object.keys(item)) operations.set(`${method.toUpperCase()} ${normalise(p)}`, p);
  }
  for (const e of endpoints) {
    if (!HTTP_METHODS.includes(e.method)) problems.push(`${rel(e.file)}:${e.line} unknown HTTP method ${e.method}`);
    else if (!operations.has(`${e.method} ${normalise(e.path)}`))
      problems.push(`${rel(e.file)}:${e.line} ${e.method} ${e.path} is not in the service's OpenAPI document`);
  }
  return {
    summary: `${endpoints.length} Apex call site(s) against ${operations.size} OpenAPI operation(s)`,
    problems,
  };
}

async function buildOpenApi() {
  const { code, stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(HERE, 'openapi.ts')]);
  if (code !== 0) throw new Error(`openapi.ts exited with ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(stdout);
}

/**
 * `MsiActionsClient.PACKAGE_VERSION` travels on every callout and decides whether the service asks for an upgrade:
 * it must be the major.minor.patch of the package version that `sfdx-project.json` builds.
 */
async function packageVersionConstant() {
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'sfdx-project.json'), 'utf8'));
  const directory = (project.packageDirectories ?? []).find((d) => path.resolve(ROOT, d.path) === PACKAGE_DIR);
  const clientFile = path.join(DEFAULT_DIR, 'classes/MsiActionsClient.cls');
  const versionNumber = directory?.versionNumber;
  const problems = [];
  const parts = /^(\d+)\.(\d+)\.(\d+)(?:\.(?:\d+|NEXT|LATEST))?$/.exec(versionNumber ?? '');
  if (!parts) problems.push(`sfdx-project.json: force-app has no versionNumber major.minor.patch.build (${versionNumber})`);
  const constant = /\bPACKAGE_VERSION\s*=\s*'([^']*)'/.exec(stripApexComments(apexSources.get(clientFile) ?? ''));
  if (!constant) problems.push(`${rel(clientFile)} declares no PACKAGE_VERSION = '<major.minor.patch>'`);
  const expected = parts ? parts.slice(1, 4).join('.') : undefined;
  if (parts && constant && constant[1] !== expected) {
    problems.push(
      `${rel(clientFile)} PACKAGE_VERSION is '${constant[1]}' but sfdx-project.json builds ${versionNumber}: set it to '${expected}'`,
    );
  }
  return { summary: `PACKAGE_VERSION ${constant?.[1] ?? '?'} against versionNumber ${versionNumber ?? '?'}`, problems };
}

// ---------------------------------------------------------------------------------------------------------

const started = Date.now();
// The slow ones (two JVMs, the service build) start first and run side by side.
const openApi = buildOpenApi();
openApi.catch(() => undefined);
const checks = [
  ['Apex syntax (@apexdevtools/apex-parser)', apexSyntax()],
  ['Apex semantics (apex-ls CheckForIssues)', apexSemantics()],
  ['Apex rules (PMD)', apexPmd()],
  ['Metadata (source-deploy-retrieve)', metadataConversion()],
  ['XML well-formed', xmlWellFormed()],
  ['LWC bundles have their .js-meta.xml', lwcBundles()],
  ['LWC Apex imports exist as @AuraEnabled methods', lwcApexImports()],
  ['Custom labels defined and translated', customLabels()],
  ['Package version in Apex matches sfdx-project.json', packageVersionConstant()],
  ['Apex callouts exist in the service OpenAPI', openApiEndpoints(openApi)],
];

/** ANTLR lists every token it expected; a person needs the position and the token it met. */
function shorten(problem) {
  const compact = problem.replace(/expecting \{[^}]{80,}\}/g, 'expecting something else');
  return compact.length > 400 ? `${compact.slice(0, 400)}...` : compact;
}

let failed = 0;
for (const [name, promise] of checks) {
  let result;
  try {
    result = await promise;
  } catch (error) {
    result = { summary: 'crashed', problems: [error.stack ?? String(error)] };
  }
  if (result.skipped) {
    console.log(`SKIP  ${name}: ${result.skipped}`);
    continue;
  }
  const ok = result.problems.length === 0;
  if (!ok) failed += 1;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${result.summary}`);
  for (const problem of result.problems) console.log(`      ${shorten(problem)}`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(failed === 0 ? `\nPackage checks passed in ${seconds} s.` : `\n${failed} package check(s) failed (${seconds} s).`);
process.exit(failed === 0 ? 0 : 1);
