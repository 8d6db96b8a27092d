import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One callout of an Apex method, as console/bridge/apex-map.json describes it. */
export interface MappedCall {
  method: string;
  path: string;
  /** Over MSI_Actions_Public: no token. */
  public?: boolean;
}

export interface ApexMapEntry {
  send?: MappedCall;
  sends?: Record<string, MappedCall>;
  console?: MappedCall;
  platform?: string;
  answer: string;
}

export const APEX_MAP_FILE = fileURLToPath(new URL('../../../console/bridge/apex-map.json', import.meta.url));

/** The mapping without its comment key. */
export function readApexMap(file = APEX_MAP_FILE): Record<string, ApexMapEntry> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(raw).filter(([name]) => !name.startsWith('$'))) as Record<string, ApexMapEntry>;
}

/** The service calls an entry makes (not the console-only ones). */
export function serviceCalls(entry: ApexMapEntry): MappedCall[] {
  return [...(entry.send ? [entry.send] : []), ...Object.values(entry.sends ?? {})];
}

export interface ProxyRoute {
  method: string;
  pattern: RegExp;
  public: boolean;
  /** The answer carries a Client ID and Secret: the console keeps them and the browser gets the CredentialResult. */
  storesCredentials: boolean;
}

/** The `/api/v1` calls the console forwards: exactly those the mapping lists. */
export function proxyRoutes(map: Record<string, ApexMapEntry>): ProxyRoute[] {
  const routes: ProxyRoute[] = [];
  for (const entry of Object.values(map)) {
    for (const call of serviceCalls(entry)) {
      const pattern = new RegExp(`^${call.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);
      routes.push({
        method: call.method.toUpperCase(),
        pattern,
        public: call.public === true,
        storesCredentials: entry.answer === 'storeCredentials',
      });
    }
  }
  return routes;
}
