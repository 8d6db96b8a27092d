/**
 * The console's Apex mapping (console/bridge/apex-map.json) against the Apex the package deploys: every
 * `@salesforce/apex/Class.method` a component imports is mapped, with exactly the MsiActionsClient.send(...)
 * calls that method makes (directly or through the class's private helpers), over the same Named
 * Credential. When a controller changes, this test names the entry to change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readApexMap, serviceCalls, type MappedCall } from '../../service/src/console/apex-map.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LWC = path.join(ROOT, 'force-app/main/default/lwc');
const CLASSES = path.join(ROOT, 'force-app/main/default/classes');
const BRIDGE = path.join(ROOT, 'console/bridge/apexBridge.js');

/** `Class.method` of every Apex import in the components (tests excluded: they mock Apex). */
function importedApexMethods(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '__tests__' || entry.name === '__mocks__') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js')) {
        for (const m of fs.readFileSync(full, 'utf8').matchAll(/['"]@salesforce\/apex\/(\w+\.\w+)['"]/g)) found.add(m[1]!);
      }
    }
  };
  walk(LWC);
  return found;
}

/** Comments and string contents blanked out (same length), so braces and names in them do not count. */
function codeOnly(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\])*'/g, (text) =>
    text.startsWith("'") ? `'${' '.repeat(text.length - 2)}'` : text.replace(/[^\n]/g, ' '),
  );
}

interface ApexMethod {
  name: string;
  auraEnabled: boolean;
  body: string;
  /** The body with string literals intact, for the send(...) arguments. */
  rawBody: string;
}

const NOT_METHODS = new Set(['if', 'for', 'while', 'catch', 'switch', 'when', 'return', 'new', 'else', 'try']);

/** The methods of a top-level Apex class: name, whether @AuraEnabled, and body. */
function apexMethods(source: string): Map<string, ApexMethod> {
  const code = codeOnly(source);
  const depthAt: number[] = [];
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    depthAt.push(depth);
    if (code[i] === '{') depth++;
    else if (code[i] === '}') depth--;
  }
  const methods = new Map<string, ApexMethod>();
  for (const m of code.matchAll(/\b(\w+)\s*\(([^()]*)\)\s*\{/g)) {
    const start = m.index!;
    if (depthAt[start] !== 1 || NOT_METHODS.has(m[1]!)) continue;
    // The member's head: back to the end of the previous member (or the class's opening brace).
    let head = start;
    while (head > 0 && !';{}'.includes(code[head - 1]!)) head--;
    const open = start + m[0].length - 1;
    let close = open;
    for (let d = 0; close < code.length; close++) {
      if (code[close] === '{') d++;
      else if (code[close] === '}' && --d === 0) break;
    }
    const headText = code.slice(head, start);
    if (/\bnew\b|=/.test(headText)) continue; // an initializer, not a declaration
    methods.set(m[1]!, {
      name: m[1]!,
      auraEnabled: /@AuraEnabled\b/i.test(source.slice(head, start)),
      body: code.slice(open, close + 1),
      rawBody: source.slice(open, close + 1),
    });
  }
  return methods;
}

/** Fields holding a client over MSI_Actions_Public. */
function publicClients(source: string): Set<string> {
  return new Set([...codeOnly(source).matchAll(/MsiActionsClient\s+(\w+)\s*=\s*MsiActionsClient\.forPublicRoutes\(\)/g)].map((m) => m[1]!));
}

const key = (call: MappedCall) => `${call.method.toUpperCase()} ${call.path}${call.public ? ' (public)' : ''}`;

/** The send(...) calls a method makes, following calls to the class's own methods. */
function sendsOf(name: string, methods: Map<string, ApexMethod>, publicNames: Set<string>, seen = new Set<string>()): Set<string> {
  const result = new Set<string>();
  const method = methods.get(name);
  if (!method || seen.has(name)) return result;
  seen.add(name);
  // Found in the code (not in comments), the string arguments read from the same offsets of the source.
  for (const m of method.body.matchAll(/\b(\w+)\.send\(\s*'( *)'\s*,\s*'( *)'/g)) {
    const call = /'(\w+)'\s*,\s*'([^']+)'/.exec(method.rawBody.slice(m.index!, m.index! + m[0].length))!;
    result.add(key({ method: call[1]!, path: call[2]!, public: publicNames.has(m[1]!) }));
  }
  for (const m of method.body.matchAll(/\b(\w+)\s*\(/g)) {
    if (m[1] !== name && methods.has(m[1]!)) for (const call of sendsOf(m[1]!, methods, publicNames, seen)) result.add(call);
  }
  return result;
}

const apexMap = readApexMap();
const imported = importedApexMethods();
const classes = new Map<string, { methods: Map<string, ApexMethod>; publicNames: Set<string> }>();
function apexClass(name: string) {
  if (!classes.has(name)) {
    const file = path.join(CLASSES, `${name}.cls`);
    assert.ok(fs.existsSync(file), `${name}.cls is not in force-app/main/default/classes`);
    const source = fs.readFileSync(file, 'utf8');
    classes.set(name, { methods: apexMethods(source), publicNames: publicClients(source) });
  }
  return classes.get(name)!;
}

test('the components import Apex methods (otherwise this test checks nothing)', () => {
  assert.ok(imported.size > 0);
});

test('every Apex method a component imports is in the mapping', () => {
  const missing = [...imported].filter((name) => !apexMap[name]).sort();
  assert.deepEqual(missing, [], `Add to console/bridge/apex-map.json: ${missing.join(', ')}`);
});

test('every mapped method is an @AuraEnabled method of its class', () => {
  for (const name of Object.keys(apexMap)) {
    const [cls, method] = name.split('.') as [string, string];
    const found = apexClass(cls).methods.get(method);
    assert.ok(found, `${name}: no such method in ${cls}.cls`);
    assert.ok(found.auraEnabled, `${name} is not @AuraEnabled`);
  }
});

test('each mapped method makes the same callouts as its Apex, over the same Named Credential', () => {
  for (const [name, entry] of Object.entries(apexMap)) {
    const [cls, method] = name.split('.') as [string, string];
    const { methods, publicNames } = apexClass(cls);
    const apex = [...sendsOf(method, methods, publicNames)].sort();
    const mapped = serviceCalls(entry).map(key).sort();
    assert.deepEqual(mapped, apex, `${name}: apex-map.json says [${mapped.join(', ')}], the Apex sends [${apex.join(', ')}]`);
    if (apex.length === 0) {
      assert.ok(entry.console, `${name} makes no callout: the mapping needs "console" (what stands in for the platform)`);
      assert.ok(entry.platform, `${name}: say in "platform" what Apex does instead of a callout`);
    } else {
      assert.equal(entry.console, undefined, `${name} calls the service: it needs "send"/"sends", not "console"`);
    }
  }
});

test('every mapping names an answer kind the bridge knows', () => {
  const bridge = fs.readFileSync(BRIDGE, 'utf8');
  const block = bridge.slice(bridge.indexOf('const ANSWERS = {'));
  const kinds = new Set([...block.matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]));
  for (const [name, entry] of Object.entries(apexMap)) assert.ok(kinds.has(entry.answer), `${name}: unknown answer kind "${entry.answer}"`);
});

test('every |shape in the mapping is one the bridge knows', () => {
  const bridge = fs.readFileSync(BRIDGE, 'utf8');
  const block = bridge.slice(bridge.indexOf('const SHAPES = {'), bridge.indexOf('};', bridge.indexOf('const SHAPES = {')));
  const shapes = new Set([...block.matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]));
  const used = JSON.stringify(apexMap).match(/\|\w+(?=")/g) ?? [];
  for (const shape of used) assert.ok(shapes.has(shape.slice(1)), `apex-map.json: unknown shape ${shape}`);
});

test('the parser reads a send(...) through a private helper and over the public client', () => {
  const source = `public with sharing class X {
  private static MsiActionsClient client = new MsiActionsClient();
  private static MsiActionsClient pub = MsiActionsClient.forPublicRoutes();
  // client.send('GET', '/not/this') in a comment
  @AuraEnabled
  public static String a() {
    // pub.send('DELETE', '/commented/out');
    if (true) { return helper(); }
    return null;
  }
  @AuraEnabled public static void b(List<String> x) { pub.send('POST', '/api/v1/b', new Map<String, String>{ 'k' => 'v' }); }
  private static String helper() { return client.send('GET', '/api/v1/{id}', new Map<String, String>{ 'id' => '1' }, null); }
}`;
  const methods = apexMethods(source);
  assert.deepEqual([...methods.keys()].sort(), ['a', 'b', 'helper']);
  assert.equal(methods.get('a')!.auraEnabled, true);
  assert.equal(methods.get('helper')!.auraEnabled, false);
  const pub = publicClients(source);
  assert.deepEqual([...sendsOf('a', methods, pub)], ['GET /api/v1/{id}']);
  assert.deepEqual([...sendsOf('b', methods, pub)], ['POST /api/v1/b (public)']);
});
