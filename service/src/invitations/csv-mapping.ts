import { normaliseEmail } from '../platform/email-address.js';
import type { UserRole } from '../account/tables.js';

/** What a column can be imported as. */
export const CSV_FIELDS = ['email', 'firstName', 'lastName', 'name', 'role', 'teams'] as const;
export type CsvField = (typeof CSV_FIELDS)[number];
export type CsvMapping = { email: number } & Partial<Record<Exclude<CsvField, 'email'>, number | null>>;

/** Header names in English and Dutch, compared without case, accents, spaces or punctuation. */
const HEADER_NAMES: Record<CsvField, string[]> = {
  email: [
    'email',
    'emailaddress',
    'emailadres',
    'mail',
    'mailadres',
    'mailaddress',
    'workemail',
    'businessemail',
    'zakelijkemail',
    'zakelijkemailadres',
    'werkemail',
    'primaryemail',
    'useremail',
    'emailgebruiker',
  ],
  firstName: ['firstname', 'first', 'givenname', 'forename', 'voornaam', 'roepnaam', 'voorletters'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'achternaam', 'familienaam', 'geslachtsnaam'],
  name: ['name', 'fullname', 'displayname', 'naam', 'volledigenaam', 'weergavenaam', 'contactname', 'contactnaam'],
  role: ['role', 'rol', 'userrole', 'gebruikersrol', 'access', 'accesslevel', 'toegang', 'rechten', 'permission', 'permissions'],
  teams: ['team', 'teams', 'teamname', 'teamnames', 'teamnaam', 'group', 'groups', 'groep', 'groepen'],
};

export function headerKey(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const HEADER_INDEX = new Map<string, CsvField>();
for (const field of CSV_FIELDS) for (const name of HEADER_NAMES[field]) HEADER_INDEX.set(name, field);

const ROLE_VALUES = new Map<string, UserRole>([
  ['admin', 'Admin'],
  ['administrator', 'Admin'],
  ['beheerder', 'Admin'],
  ['masteradmin', 'Admin'],
  ['user', 'User'],
  ['gebruiker', 'User'],
  ['standard', 'User'],
  ['standaard', 'User'],
  ['member', 'User'],
  ['lid', 'User'],
]);

/** A role cell: empty means the default (User); anything unknown is a problem, never a guess. */
export function parseRole(cell: string): { ok: true; role: UserRole } | { ok: false; reason: string } {
  const key = headerKey(cell);
  if (key === '') return { ok: true, role: 'User' };
  const role = ROLE_VALUES.get(key);
  return role ? { ok: true, role } : { ok: false, reason: `the role "${cell.trim()}" is not Admin or User` };
}

/** Team names in one cell: separated by ; | or , (a cell quoted in the file). */
export function parseTeams(cell: string): string[] {
  const names = cell
    .split(/[;|,]/)
    .map((t) => t.trim().replace(/\s+/g, ' '))
    .filter((t) => t !== '');
  return [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
}

export function headerField(header: string): CsvField | undefined {
  return HEADER_INDEX.get(headerKey(header));
}

/** True when the first record is a header: it names a known column and holds no e-mail address. */
export function looksLikeHeader(first: string[]): boolean {
  if (first.some((cell) => cell.includes('@') && normaliseEmail(cell).ok)) return false;
  if (first.some((cell) => headerField(cell) !== undefined)) return true;
  // No known name but no address either: text labels such as "Contact" or "Medewerker".
  return first.every((cell) => cell.trim() === '' || !/^\d+([.,]\d+)?$/.test(cell.trim()));
}

export interface ColumnSuggestion {
  index: number;
  header: string;
  field: CsvField | null;
  by: 'header' | 'content' | null;
  samples: string[];
}

/**
 * The suggested mapping: by header name first, then by content (a column that is mostly
 * addresses is the e-mail column; a column of Admin/User values is the role).
 */
export function suggestMapping(headers: string[], sample: string[][]): { columns: ColumnSuggestion[]; mapping: Partial<Record<CsvField, number>> } {
  const width = headers.length;
  const columns: ColumnSuggestion[] = headers.map((header, index) => ({
    index,
    header,
    field: null,
    by: null,
    samples: sample
      .map((r) => r[index] ?? '')
      .filter((v) => v.trim() !== '')
      .slice(0, 3),
  }));
  const mapping: Partial<Record<CsvField, number>> = {};
  for (const column of columns) {
    const field = headerField(column.header);
    if (field && mapping[field] === undefined) {
      mapping[field] = column.index;
      column.field = field;
      column.by = 'header';
    }
  }
  const ratio = (index: number, test: (v: string) => boolean) => {
    const values = sample.map((r) => (r[index] ?? '').trim()).filter((v) => v !== '');
    return values.length === 0 ? 0 : values.filter(test).length / values.length;
  };
  const isEmail = (v: string) => v.includes('@') && normaliseEmail(v).ok;
  const emailRatios = Array.from({ length: width }, (_, i) => ratio(i, isEmail));
  const bestEmail = emailRatios.reduce((best, r, i) => (r > (emailRatios[best] ?? 0) ? i : best), 0);
  const headerEmail = mapping.email;
  // The header may name a column that holds no addresses (an "E-mail opt-in" flag); content decides then.
  if ((emailRatios[bestEmail] ?? 0) >= 0.5 && (headerEmail === undefined || (emailRatios[headerEmail] ?? 0) < 0.3)) {
    const previous = columns.find((c) => c.field === 'email');
    if (previous) {
      previous.field = null;
      previous.by = null;
    }
    const column = columns[bestEmail];
    if (column) {
      if (column.field) delete mapping[column.field];
      column.field = 'email';
      column.by = 'content';
      mapping.email = bestEmail;
    }
  }
  if (mapping.role === undefined) {
    const roleColumn = columns.find((c) => c.field === null && ratio(c.index, (v) => ROLE_VALUES.has(headerKey(v))) >= 0.9);
    if (roleColumn) {
      roleColumn.field = 'role';
      roleColumn.by = 'content';
      mapping.role = roleColumn.index;
    }
  }
  return { columns, mapping };
}
