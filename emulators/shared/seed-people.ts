/**
 * The deterministic person database shared by the Marketo and Salesforce emulators.
 *
 * STABLE API (the Salesforce emulator depends on it; change only by adding):
 *
 *   personAt(seed, index, options?) -> SeedPerson
 *     Person number `index` (0-based) of the database generated from `seed`. A pure function: the same
 *     (seed, index, options) always gives the same person, so nothing has to be kept in memory and
 *     1,500,000 people cost nothing until asked for. The Marketo lead id is `index + 1`.
 *   salesUserAt(seed, i) -> SeedSalesUser           i in [0, SALES_USER_COUNT): the Salesforce owners (005…)
 *   accountAt(seed, companyIndex) -> SeedAccount    the Salesforce account (001…) of one company
 *   salesforceId(prefix, seed, n) -> string         the 18-character id scheme every id above uses
 *   SEED_EPOCH_MS, CREATED_STEP_MS                  person i is created at SEED_EPOCH_MS + i * CREATED_STEP_MS
 *
 * Salesforce ids are real-format 18-character ids (3-char key prefix, 2-char pod derived from the seed,
 * a reserved '0', 9 base-62 digits of the record number, and the case-safe 3-character suffix), so
 * they pass any Salesforce id validation:
 *   00Q Lead (record number = person index), 003 Contact (person index), 006 Opportunity (person index),
 *   001 Account (company index), 005 User (sales user index).
 *
 * Who has Salesforce records: a `salesforceShare` (default 0.7) of people are synced to Salesforce;
 * of those about 40 % are Leads (sfdcLeadId) and 60 % Contacts (sfdcContactId + sfdcAccountId of their
 * company, and an opportunity sfdcOpptyId for a third of contacts). Every synced person has an owner
 * (sfdcLeadOwnerId, one of the sales users). People not synced have all sfdc* fields null.
 * About 2 % of people (index ≥ 50) are duplicates by e-mail of an earlier person (same name, e-mail and
 * company; their own id, title and phone), as happens in real Marketo databases.
 */

export const SEED_EPOCH_MS = Date.UTC(2024, 0, 1, 0, 0, 0);
/** One person per second: 1,500,000 people span about 17 days, inside one 31-day bulk export window. */
export const CREATED_STEP_MS = 1000;
export const SALES_USER_COUNT = 25;
export const COMPANY_COUNT = 20_000;

export interface SeedOptions {
  /** Share (0..1) of people that exist in Salesforce with an owner. Default 0.7. */
  salesforceShare?: number;
}

export interface SeedPerson {
  index: number;
  /** Marketo lead id. */
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  company: string;
  companyIndex: number;
  title: string | null;
  phone: string | null;
  linkedInUrl: string | null;
  leadSource: string;
  industry: string;
  country: string;
  leadStatus: string;
  /** ISO 8601, second precision, `Z`. */
  createdAt: string;
  updatedAt: string;
  /** 'Lead' | 'Contact' when the person exists in Salesforce. */
  sfdcType: 'Lead' | 'Contact' | null;
  sfdcLeadId: string | null;
  sfdcContactId: string | null;
  sfdcAccountId: string | null;
  sfdcOpptyId: string | null;
  sfdcLeadOwnerId: string | null;
  /** Index (0..SALES_USER_COUNT-1) of the owner in salesUserAt, or null. */
  ownerIndex: number | null;
  /** Index of the earlier person this one duplicates by e-mail, or null. */
  duplicateOf: number | null;
}

export interface SeedSalesUser {
  index: number;
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface SeedAccount {
  companyIndex: number;
  id: string;
  name: string;
  domain: string;
  industry: string;
  country: string;
}

const FIRST = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Daniel', 'Lisa',
  'Matthew', 'Nancy', 'Anthony', 'Sandra', 'Mark', 'Ashley', 'Steven', 'Emily', 'Andrew', 'Michelle', 'Joshua',
  'Amanda', 'Kevin', 'Melissa', 'Brian', 'Stephanie', 'Sanne', 'Daan', 'Emma', 'Lucas', 'Sophie', 'Noah', 'Julia',
  'Liam', 'Anna', 'Mohammed', 'Fatima', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Priya', 'Arjun', 'Olga', 'Ivan', 'Lena',
  'Jonas', 'Clara', 'Mateo', 'Lucia', 'Pierre', 'Camille', 'Giulia', 'Marco', 'Ingrid', 'Lars', 'Aisha', 'Kwame',
];
const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson',
  'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'de Vries', 'Jansen',
  'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Dubois',
  'Moreau', 'Rossi', 'Russo', 'Ferrari', 'Nakamura', 'Tanaka', 'Sato', 'Wang', 'Li', 'Zhang', 'Chen', 'Patel',
  'Sharma', 'Singh', 'Kumar', 'Ivanov', 'Novak', 'Kowalski', 'Nielsen', 'Hansen', "O'Brien", 'Murphy', 'Kelly',
];
const COMPANY_A = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Cyberdyne', 'Tyrell', 'Soylent', 'Vandelay',
  'Hooli', 'Pied Piper', 'Massive', 'Aperture', 'Black Mesa', 'Blue Sun', 'Gringotts', 'Monarch', 'Oscorp',
  'Nakatomi', 'Dunder', 'Sterling', 'Prestige', 'Northwind', 'Contoso', 'Fabrikam', 'Litware', 'Tailspin',
  'Wingtip', 'Adatum', 'Proseware', 'Lucerne', 'Fourth Coffee', 'Alpine', 'Coho', 'Humongous', 'Margie',
  'Trey', 'Woodgrove', 'Blue Yonder', 'Graphic', 'Wide World', 'Relecloud', 'Bellows', 'Ironclad', 'Quantum',
  'Vertex', 'Nimbus', 'Helix', 'Zenith', 'Polaris', 'Summit', 'Beacon', 'Cobalt', 'Evergreen', 'Falcon',
];
const COMPANY_B = [
  'Systems', 'Industries', 'Labs', 'Logistics', 'Software', 'Analytics', 'Health', 'Energy', 'Foods', 'Bank',
  'Insurance', 'Networks', 'Robotics', 'Media', 'Consulting', 'Pharma', 'Motors', 'Retail', 'Capital', 'Cloud',
];
const COMPANY_SUFFIX = ['Inc.', 'LLC', 'Ltd', 'B.V.', 'GmbH', 'Corp.', 'Group', 'S.A.', 'plc', ''];
const TITLES = [
  'Chief Executive Officer', 'Chief Marketing Officer', 'VP of Sales', 'VP Marketing', 'Director of Marketing',
  'Marketing Manager', 'Demand Generation Manager', 'Marketing Operations Manager', 'Sales Director',
  'Account Executive', 'Sales Development Representative', 'Business Development Manager', 'CTO',
  'IT Director', 'Software Engineer', 'Product Manager', 'Head of Procurement', 'Operations Manager',
  'CFO', 'Controller', 'HR Manager', 'Customer Success Manager', 'Solutions Architect', 'Consultant',
];
const SOURCES = [
  'Website', 'Web Form', 'Trade Show', 'Webinar', 'Paid Search', 'Organic Search', 'Social Media', 'Partner',
  'Referral', 'List Import', 'Content Syndication', 'Sales Generated', 'Email Campaign',
];
const INDUSTRIES = [
  'Technology', 'Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Education', 'Energy',
  'Media', 'Telecommunications', 'Transportation', 'Government', 'Hospitality',
];
const COUNTRIES: Array<[string, string]> = [
  ['United States', '+1'], ['United States', '+1'], ['United States', '+1'], ['Canada', '+1'],
  ['United Kingdom', '+44'], ['Netherlands', '+31'], ['Germany', '+49'], ['France', '+33'], ['Australia', '+61'],
  ['Japan', '+81'], ['India', '+91'], ['Brazil', '+55'],
];
const LEAD_STATUSES = ['Open', 'Working', 'Nurturing', 'Qualified', 'Unqualified', 'Open'];

/** 32-bit mix (murmur3 finaliser): good avalanche, cheap, no state. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function seedHash(seed: number | string): number {
  if (typeof seed === 'number') return mix32(Math.trunc(seed) ^ 0x9e3779b9);
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** A small stream of 32-bit values for one (seed, kind, n); each field takes the next value. */
function stream(seed: number | string, kind: number, n: number): () => number {
  let state = mix32(seedHash(seed) ^ mix32(kind * 0x27d4eb2d + 1) ^ mix32(n + 0x165667b1));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    return mix32(state ^ (state >>> 15));
  };
}

function pick<T>(list: readonly T[], r: number): T {
  return list[r % list.length] as T;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Salesforce's 15 → 18 character case-safe suffix. */
function caseSafe(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX[bits];
  }
  return id15 + suffix;
}

/** An 18-character Salesforce id: key prefix, seed-derived pod, '0', record number n in 9 base-62 digits. */
export function salesforceId(prefix: string, seed: number | string, n: number): string {
  const pod = podOf(seed);
  let digits = '';
  let v = n + 1;
  for (let i = 0; i < 9; i++) {
    digits = BASE62[v % 62]! + digits;
    v = Math.floor(v / 62);
  }
  return caseSafe(prefix + pod + '0' + digits);
}

let lastPodSeed: number | string | undefined;
let lastPod = '';

function podOf(seed: number | string): string {
  if (seed !== lastPodSeed) {
    const h = seedHash(seed);
    lastPod = BASE62[h % 62]! + BASE62[(h >>> 8) % 62]!;
    lastPodSeed = seed;
  }
  return lastPod;
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const slugCache = new Map<string, string>();

function slug(s: string): string {
  let hit = slugCache.get(s);
  if (hit === undefined) {
    hit = slugUncached(s);
    if (slugCache.size < 10_000) slugCache.set(s, hit);
  }
  return hit;
}

function slugUncached(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

// Accounts are asked for once per person; 20,000 per seed is small enough to keep.
const accountCache = new Map<number | string, Array<SeedAccount | undefined>>();

export function accountAt(seed: number | string, companyIndex: number): SeedAccount {
  let cache = accountCache.get(seed);
  if (!cache) {
    if (accountCache.size > 8) accountCache.clear();
    cache = [];
    accountCache.set(seed, cache);
  }
  if (companyIndex < COMPANY_COUNT) {
    const hit = cache[companyIndex];
    if (hit) return hit;
    return (cache[companyIndex] = makeAccount(seed, companyIndex));
  }
  return makeAccount(seed, companyIndex);
}

function makeAccount(seed: number | string, companyIndex: number): SeedAccount {
  const r = stream(seed, 2, companyIndex);
  const a = pick(COMPANY_A, r());
  const b = pick(COMPANY_B, r());
  const suffix = pick(COMPANY_SUFFIX, r());
  // The company index is part of the name so that 20,000 companies stay distinct.
  const name = `${a} ${b}${companyIndex >= COMPANY_A.length * COMPANY_B.length ? ` ${Math.floor(companyIndex / (COMPANY_A.length * COMPANY_B.length)) + 1}` : ''}${suffix ? ` ${suffix}` : ''}`;
  const tld = pick(['com', 'com', 'com', 'io', 'net', 'nl', 'de', 'co.uk'], r());
  return {
    companyIndex,
    id: salesforceId('001', seed, companyIndex),
    name,
    domain: `${slug(a)}${slug(b)}${companyIndex >= COMPANY_A.length * COMPANY_B.length ? Math.floor(companyIndex / (COMPANY_A.length * COMPANY_B.length)) + 1 : ''}.${tld}`,
    industry: pick(INDUSTRIES, r()),
    country: pick(COUNTRIES, r())[0],
  };
}

export function salesUserAt(seed: number | string, index: number): SeedSalesUser {
  const r = stream(seed, 3, index);
  const firstName = pick(FIRST, r());
  const lastName = pick(LAST, r());
  return {
    index,
    id: salesforceId('005', seed, index),
    firstName,
    lastName,
    email: `${slug(firstName)}.${slug(lastName)}${index}@sales.example.com`,
  };
}

export function personAt(seed: number | string, index: number, options: SeedOptions = {}): SeedPerson {
  const share = options.salesforceShare ?? 0.7;
  const r = stream(seed, 1, index);
  const dupRoll = r();
  let duplicateOf: number | null = null;
  let firstName: string;
  let lastName: string;
  let email: string;
  let companyIndex: number;
  if (index >= 50 && dupRoll % 1000 < 20) {
    duplicateOf = index - 1 - (r() % 49);
    const original = personAt(seed, duplicateOf, options);
    firstName = original.firstName;
    lastName = original.lastName;
    email = original.email;
    companyIndex = original.companyIndex;
  } else {
    firstName = pick(FIRST, r());
    lastName = pick(LAST, r());
    companyIndex = r() % COMPANY_COUNT;
    const domain = accountAt(seed, companyIndex).domain;
    const style = r() % 4;
    const f = slug(firstName);
    const l = slug(lastName);
    const local = style === 0 ? `${f}.${l}` : style === 1 ? `${f[0]}${l}` : style === 2 ? `${f}${l[0]}` : `${f}.${l}${index % 97}`;
    email = `${local}@${domain}`;
  }
  const account = accountAt(seed, companyIndex);
  const rTitle = r();
  const rPhone = r();
  const rLinkedIn = r();
  const country = pick(COUNTRIES, r());
  const createdMs = SEED_EPOCH_MS + index * CREATED_STEP_MS;
  const updatedMs = createdMs + (r() % (30 * 86_400)) * 1000;
  const rSf = r();
  const rType = r();
  const rOpp = r();
  const ownerIndex = r() % SALES_USER_COUNT;
  const inSalesforce = rSf % 10_000 < Math.round(share * 10_000);
  const isLead = inSalesforce && rType % 10 < 4;
  const isContact = inSalesforce && !isLead;
  const phoneDigits = String(2000000000 + (rPhone % 7999999999)).slice(0, 10);
  return {
    index,
    id: index + 1,
    firstName,
    lastName,
    email,
    company: account.name,
    companyIndex,
    title: rTitle % 100 < 6 ? null : pick(TITLES, rTitle >>> 7),
    phone: rPhone % 100 < 15 ? null : `${country[1]} ${phoneDigits.slice(0, 3)} ${phoneDigits.slice(3, 6)} ${phoneDigits.slice(6)}`,
    linkedInUrl: rLinkedIn % 100 < 40 ? null : `https://www.linkedin.com/in/${slug(firstName)}-${slug(lastName)}-${(rLinkedIn >>> 8).toString(36)}`,
    leadSource: pick(SOURCES, r()),
    industry: account.industry,
    country: country[0],
    leadStatus: pick(LEAD_STATUSES, r()),
    createdAt: isoSeconds(createdMs),
    updatedAt: isoSeconds(updatedMs),
    sfdcType: isLead ? 'Lead' : isContact ? 'Contact' : null,
    sfdcLeadId: isLead ? salesforceId('00Q', seed, index) : null,
    sfdcContactId: isContact ? salesforceId('003', seed, index) : null,
    sfdcAccountId: isContact ? account.id : null,
    sfdcOpptyId: isContact && rOpp % 3 === 0 ? salesforceId('006', seed, index) : null,
    sfdcLeadOwnerId: inSalesforce ? salesforceId('005', seed, ownerIndex) : null,
    ownerIndex: inSalesforce ? ownerIndex : null,
    duplicateOf,
  };
}
