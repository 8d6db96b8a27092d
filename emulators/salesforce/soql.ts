/**
 * The SOQL subset the product sends, parsed properly (a tokenizer and a recursive-descent parser)
 * so malformed queries fail the way an org fails them: MALFORMED_QUERY with the row and column.
 *
 *   SELECT field[, Parent.field...] | COUNT()
 *   FROM object
 *   [WHERE condition]            comparisons = != <> < <= > >= LIKE IN NOT IN, AND / OR / NOT, ( )
 *   [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...]
 *   [LIMIT n] [OFFSET n]
 *
 * As in SOQL, AND and OR may not be mixed at one level without parentheses.
 */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number }
  | { kind: 'dateRange'; from: string; to: string };

export type Condition =
  | { kind: 'and' | 'or'; terms: Condition[] }
  | { kind: 'not'; term: Condition }
  | { kind: 'compare'; field: string; op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like'; value: Literal }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[] };

export interface OrderBy {
  field: string;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  /** Field paths as written (case preserved), or empty for COUNT(). */
  fields: string[];
  count: boolean;
  object: string;
  where?: Condition;
  orderBy: OrderBy[];
  limit?: number;
  offset?: number;
  text: string;
}

/** A Salesforce error raised while parsing: the caller turns it into `[{ message, errorCode }]`. */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | 'NUMBER_OUTSIDE_VALID_RANGE',
    message: string,
  ) {
    super(message);
  }
}

interface Token {
  type: 'word' | 'string' | 'number' | 'op' | 'punct' | 'eof';
  text: string;
  value?: string;
  pos: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const dt = DATETIME.exec(rest) ?? DATE.exec(rest);
    if (dt) {
      tokens.push({ type: 'word', text: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length; j++) {
        const c = text[j]!;
        if (c === '\\') {
          const next = text[j + 1];
          const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', _: '\\_', '%': '\\%' };
          if (next === undefined || !(next in escapes)) throw malformed(text, j, 'Invalid string literal');
          value += escapes[next];
          j++;
        } else if (c === "'") {
          break;
        } else {
          value += c;
        }
      }
      if (j >= text.length) throw malformed(text, i, 'unexpected token: <EOF>');
      tokens.push({ type: 'string', text: text.slice(i, j + 1), value, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ type: 'number', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const op = /^(?:!=|<>|<=|>=|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ type: 'op', text: op[0] === '<>' ? '!=' : op[0], pos: i });
      i += op[0].length;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === ':') {
      tokens.push({ type: 'punct', text: ch, pos: i });
      i++;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (word) {
      tokens.push({ type: 'word', text: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    throw malformed(text, i, `unexpected token: '${ch}'`);
  }
  tokens.push({ type: 'eof', text: '<EOF>', pos: text.length });
  return tokens;
}

/** Salesforce's error text: the query, a caret under the column, then the reason. */
function located(text: string, pos: number, message: string): string {
  const before = text.slice(0, pos);
  const row = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const line = text.split('\n')[row - 1] ?? '';
  return `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n${message}`;
}

function malformed(text: string, pos: number, message: string) {
  return new SoqlError('MALFORMED_QUERY', located(text, pos, message));
}

export function invalidField(text: string, pos: number, field: string, object: string) {
  return new SoqlError(
    'INVALID_FIELD',
    located(
      text,
      pos,
      `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  );
}

const MAX_OFFSET = 2000;

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ASC', 'DESC', 'NULLS']);

function startOfDayUtc(offsetDays: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + offsetDays);
  return d.toISOString().slice(0, 10);
}

class Parser {
  private i = 0;
  /** Where each field path was written, for INVALID_FIELD errors. */
  readonly fieldPositions = new Map<string, number>();
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isWord(word: string, token = this.peek()): boolean {
    return token.type === 'word' && token.text.toUpperCase() === word;
  }
  private expectWord(word: string) {
    const t = this.next();
    if (!this.isWord(word, t)) throw malformed(this.text, t.pos, `unexpected token: '${t.text}'`);
  }
  private expectPunct(p: string) {
    const t = this.next();
    if (t.type !== 'punct' || t.text !== p) throw malformed(this.text, t.pos, `unexpected token: '${t.text}'`);
  }
  private fieldName(): string {
    const t = this.next();
    if (t.type !== 'word' || KEYWORDS.has(t.text.toUpperCase()) || /^\d/.test(t.text) || t.text.endsWith('.')) {
      throw malformed(this.text, t.pos, `unexpected token: '${t.text}'`);
    }
    if (!this.fieldPositions.has(t.text.toLowerCase())) this.fieldPositions.set(t.text.toLowerCase(), t.pos);
    return t.text;
  }

  parse(): SoqlQuery {
    this.expectWord('SELECT');
    const fields: string[] = [];
    let count = false;
    if (this.isWord('COUNT') && this.tokens[this.i + 1]?.text === '(') {
      this.next();
      this.expectPunct('(');
      const close = this.next();
      if (close.text !== ')') {
        throw malformed(this.text, close.pos, 'Only COUNT() without a field is supported by this org');
      }
      count = true;
    } else {
      do {
        fields.push(this.fieldName());
      } while (this.peek().text === ',' && this.next());
    }
    this.expectWord('FROM');
    const objectToken = this.next();
    if (objectToken.type !== 'word' || KEYWORDS.has(objectToken.text.toUpperCase())) {
      throw malformed(this.text, objectToken.pos, `unexpected token: '${objectToken.text}'`);
    }
    const query: SoqlQuery = { fields, count, object: objectToken.text, orderBy: [], text: this.text };
    if (this.isWord('WHERE')) {
      this.next();
      query.where = this.condition();
    }
    if (this.isWord('ORDER')) {
      this.next();
      this.expectWord('BY');
      do {
        const field = this.fieldName();
        let descending = false;
        if (this.isWord('ASC')) this.next();
        else if (this.isWord('DESC')) {
          this.next();
          descending = true;
        }
        let nullsLast = descending;
        if (this.isWord('NULLS')) {
          this.next();
          const t = this.next();
          if (this.isWord('FIRST', t)) nullsLast = false;
          else if (this.isWord('LAST', t)) nullsLast = true;
          else throw malformed(this.text, t.pos, `unexpected token: '${t.text}'`);
        }
        query.orderBy.push({ field, descending, nullsLast });
      } while (this.peek().text === ',' && this.next());
    }
    if (this.isWord('LIMIT')) {
      this.next();
      query.limit = this.integer();
    }
    if (this.isWord('OFFSET')) {
      this.next();
      const at = this.peek().pos;
      query.offset = this.integer();
      // SOQL's documented ceiling: "Requesting an offset greater than 2,000 results in a NUMBER_OUTSIDE_VALID_RANGE error."
      if (query.offset > MAX_OFFSET) throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', located(this.text, at, `Maximum SOQL offset allowed is ${MAX_OFFSET}`));
    }
    const end = this.peek();
    if (end.type !== 'eof') throw malformed(this.text, end.pos, `unexpected token: '${end.text}'`);
    return query;
  }

  private integer(): number {
    const t = this.next();
    if (t.type !== 'number' || !/^\d+$/.test(t.text)) throw malformed(this.text, t.pos, `unexpected token: '${t.text}'`);
    return Number(t.text);
  }

  /** One level of AND or OR (never both), as SOQL requires. */
  private condition(): Condition {
    const first = this.unary();
    const joiner = this.isWord('AND') ? 'and' : this.isWord('OR') ? 'or' : undefined;
    if (!joiner) return first;
    const terms = [first];
    while (this.isWord(joiner.toUpperCase())) {
      this.next();
      terms.push(this.unary());
    }
    const other = joiner === 'and' ? 'OR' : 'AND';
    if (this.isWord(other)) throw malformed(this.text, this.peek().pos, `unexpected token: '${this.peek().text}'`);
    return { kind: joiner, terms };
  }

  private unary(): Condition {
    if (this.isWord('NOT')) {
      this.next();
      return { kind: 'not', term: this.unary() };
    }
    if (this.peek().text === '(') {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const field = this.fieldName();
    const t = this.next();
    if (this.isWord('NOT', t)) {
      this.expectWord('IN');
      return { kind: 'in', field, negated: true, values: this.list() };
    }
    if (this.isWord('IN', t)) return { kind: 'in', field, negated: false, values: this.list() };
    if (this.isWord('LIKE', t)) {
      const value = this.literal();
      if (value.kind !== 'string') throw malformed(this.text, t.pos, 'LIKE needs a string value');
      return { kind: 'compare', field, op: 'like', value };
    }
    if (t.type !== 'op') throw malformed(this.text, t.pos, `unexpected token: '${t.text}'`);
    return { kind: 'compare', field, op: t.text as '=' | '!=' | '<' | '<=' | '>' | '>=', value: this.literal() };
  }

  private list(): Literal[] {
    this.expectPunct('(');
    const values: Literal[] = [];
    do {
      values.push(this.literal());
    } while (this.peek().text === ',' && this.next());
    this.expectPunct(')');
    return values;
  }

  private literal(): Literal {
    const t = this.next();
    if (t.type === 'string') return { kind: 'string', value: t.value ?? '' };
    if (t.type === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.type === 'word') {
      const upper = t.text.toUpperCase();
      if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
      if (upper === 'NULL') return { kind: 'null' };
      if (DATE.test(t.text) && t.text.length === 10) return { kind: 'date', value: t.text };
      if (DATETIME.test(t.text)) return { kind: 'datetime', value: Date.parse(t.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) };
      if (upper === 'TODAY') return { kind: 'dateRange', from: startOfDayUtc(0), to: startOfDayUtc(1) };
      if (upper === 'YESTERDAY') return { kind: 'dateRange', from: startOfDayUtc(-1), to: startOfDayUtc(0) };
      if (upper === 'LAST_N_DAYS' && this.peek().text === ':') {
        this.next();
        const n = this.integer();
        return { kind: 'dateRange', from: startOfDayUtc(-n), to: startOfDayUtc(1) };
      }
    }
    throw malformed(this.text, t.pos, `unexpected token: '${t.text}'`);
  }
}

export interface ParsedSoql {
  query: SoqlQuery;
  /** Position of each field path in the text (lower-cased path → index), for error messages. */
  positions: Map<string, number>;
}

export function parseSoql(text: string): ParsedSoql {
  const parser = new Parser(text, tokenize(text));
  const query = parser.parse();
  return { query, positions: parser.fieldPositions };
}

/** Every field path the query mentions (select list, filters, ordering). */
export function referencedFields(query: SoqlQuery): string[] {
  const out = [...query.fields, ...query.orderBy.map((o) => o.field)];
  const walk = (c: Condition) => {
    if (c.kind === 'and' || c.kind === 'or') c.terms.forEach(walk);
    else if (c.kind === 'not') walk(c.term);
    else if (c.kind === 'compare' || c.kind === 'in') out.push(c.field);
  };
  if (query.where) walk(query.where);
  return out;
}

export type FieldValue = string | number | boolean | null;

/** How the evaluator reads a field: value and its describe type ('id' and 'reference' compare as ids). */
export type FieldReader = (record: Record<string, unknown>, path: string) => { value: FieldValue; type: string };

function normalizeId(v: string): string {
  return v.length >= 15 ? v.slice(0, 15) : v;
}

function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      out += pattern[i + 1];
      i++;
    } else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}

/** Compares a stored value with a literal: <0, 0, >0, or undefined when they cannot compare (null). */
function compareTo(value: FieldValue, type: string, literal: Literal): number | undefined {
  if (literal.kind === 'null' || value === null || value === undefined) return undefined;
  switch (literal.kind) {
    case 'string': {
      if (type === 'id' || type === 'reference') {
        return normalizeId(String(value)) === normalizeId(literal.value) ? 0 : String(value) < literal.value ? -1 : 1;
      }
      const a = String(value).toLowerCase();
      const b = literal.value.toLowerCase();
      return a === b ? 0 : a < b ? -1 : 1;
    }
    case 'number':
      return Number(value) - literal.value;
    case 'boolean':
      return value === literal.value ? 0 : 1;
    case 'date': {
      const a = String(value).slice(0, 10);
      return a === literal.value ? 0 : a < literal.value ? -1 : 1;
    }
    case 'datetime':
      return Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) - literal.value;
    case 'dateRange': {
      const a = String(value).slice(0, 10);
      return a < literal.from ? -1 : a >= literal.to ? 1 : 0;
    }
  }
}

export function matches(condition: Condition, record: Record<string, unknown>, read: FieldReader): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.terms.every((t) => matches(t, record, read));
    case 'or':
      return condition.terms.some((t) => matches(t, record, read));
    case 'not':
      return !matches(condition.term, record, read);
    case 'in': {
      const { value, type } = read(record, condition.field);
      const found = condition.values.some((lit) =>
        lit.kind === 'null' ? value === null : compareTo(value, type, lit) === 0,
      );
      return condition.negated ? !found : found;
    }
    case 'compare': {
      const { value, type } = read(record, condition.field);
      const lit = condition.value;
      if (condition.op === 'like') {
        return value !== null && lit.kind === 'string' && likeToRegExp(lit.value).test(String(value));
      }
      if (lit.kind === 'null') {
        if (condition.op === '=') return value === null;
        if (condition.op === '!=') return value !== null;
        return false;
      }
      const c = compareTo(value, type, lit);
      if (c === undefined) return condition.op === '!=';
      switch (condition.op) {
        case '=':
          return c === 0;
        case '!=':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
      }
    }
  }
}

/** A comparator for ORDER BY: strings case-insensitively, nulls first or last as asked. */
export function orderComparator(orderBy: OrderBy[], read: FieldReader) {
  return (a: Record<string, unknown>, b: Record<string, unknown>): number => {
    for (const o of orderBy) {
      const va = read(a, o.field).value;
      const vb = read(b, o.field).value;
      if (va === vb) continue;
      if (va === null || va === undefined) return o.nullsLast ? 1 : -1;
      if (vb === null || vb === undefined) return o.nullsLast ? -1 : 1;
      const x = typeof va === 'string' ? va.toLowerCase() : va;
      const y = typeof vb === 'string' ? vb.toLowerCase() : vb;
      if (x === y) continue;
      const c = x < y ? -1 : 1;
      return o.descending ? -c : c;
    }
    return 0;
  };
}
