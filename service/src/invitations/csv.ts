import { badRequest } from '../platform/errors.js';

/** The encodings a spreadsheet or address book export arrives in. */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

// Signatures of files people pick by mistake instead of "Save as CSV".
const MAGIC: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'an Excel workbook or another ZIP file' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel (.xls) or Word file' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
];

const SAVE_AS_CSV = 'Open it in your spreadsheet and use Save as / Download as "CSV", then choose that file.';

function startsWith(bytes: Uint8Array, prefix: number[]) {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

/** Which half of the byte pairs is mostly zero: ASCII text in UTF-16 without a BOM. */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros += 1;
    if (bytes[i + 1] === 0) oddZeros += 1;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return undefined;
}

function binaryFile(what?: string) {
  return badRequest(
    'binary_file',
    what ? `This file is ${what}, not a CSV file. ${SAVE_AS_CSV}` : `This file holds binary data, not text: it is not a CSV file. ${SAVE_AS_CSV}`,
  );
}

/** Refuses text that holds control characters no CSV export writes (a binary file read as text). */
export function assertText(text: string) {
  if (text.includes('\u0000')) throw binaryFile();
  let control = 0;
  const n = Math.min(text.length, 65_536);
  for (let i = 0; i < n; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) control += 1;
  }
  if (control > Math.max(2, n * 0.01)) throw binaryFile();
}

/** Decodes the bytes of an uploaded file, detecting its encoding. */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (bytes.length === 0) throw badRequest('empty_file', 'The file is empty. Choose a CSV file with a column of e-mail addresses.');
  if (bytes.length > MAX_FILE_BYTES) throw fileTooLarge(bytes.length);
  let result: { text: string; encoding: CsvEncoding };
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    result = { text: strictUtf8(bytes.subarray(3)) ?? new TextDecoder('windows-1252').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  } else if (startsWith(bytes, [0xff, 0xfe])) {
    result = { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  } else if (startsWith(bytes, [0xfe, 0xff])) {
    result = { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  } else {
    const magic = MAGIC.find((m) => startsWith(bytes, m.bytes));
    if (magic) throw binaryFile(magic.what);
    const utf16 = utf16WithoutBom(bytes);
    if (utf16) {
      result = { text: new TextDecoder(utf16).decode(bytes), encoding: utf16 };
    } else {
      const utf8 = strictUtf8(bytes);
      // Not valid UTF-8: the other encoding Windows spreadsheets save "CSV" in.
      result = utf8 !== undefined ? { text: utf8, encoding: 'utf-8' } : { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
    }
  }
  assertText(result.text);
  return result;
}

/** Text the page already decoded (FileReader.readAsText): only the BOM says more about the file. */
export function decodeCsvText(content: string): { text: string; encoding: CsvEncoding } {
  if (content.length === 0) throw badRequest('empty_file', 'The file is empty. Choose a CSV file with a column of e-mail addresses.');
  const size = Buffer.byteLength(content, 'utf8');
  if (size > MAX_FILE_BYTES) throw fileTooLarge(size);
  assertText(content);
  return content.charCodeAt(0) === 0xfeff ? { text: content.slice(1), encoding: 'utf-8-bom' } : { text: content, encoding: 'utf-8' };
}

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function fileTooLarge(size: number) {
  return badRequest('file_too_large', `The file is ${(size / 1024 / 1024).toFixed(1)} MB; files up to 10 MB can be imported. Split it into smaller files.`, {
    size,
    limit: MAX_FILE_BYTES,
  });
}

export interface ParsedCsv {
  /** The records, without blank lines. */
  rows: string[][];
  /** The spreadsheet row number of each record (1-based, counting blank lines, as a spreadsheet shows it). */
  rowNumbers: number[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly row: number,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * RFC 4180 CSV with what spreadsheets really write: quoted fields may hold delimiters, quotes ("")
 * and line breaks; CRLF, LF or CR line ends; a quote inside an unquoted field is kept as text.
 * Stops after `maxRows` records (the caller turns that into a clear error).
 */
export function parseCsv(text: string, delimiter: CsvDelimiter, options: { maxRows?: number } = {}): ParsedCsv {
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  const delim = delimiter.charCodeAt(0);
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  const n = text.length;
  let i = 0;
  let record = 1;
  let row: string[] = [];
  let rowStart = 1;
  let fieldHasContent = false;

  const endRow = () => {
    // A record of one empty field is a blank line: spreadsheets ignore those, so do we.
    if (!(row.length === 1 && row[0] === '' && !fieldHasContent)) {
      rows.push(row);
      rowNumbers.push(rowStart);
    }
    row = [];
    fieldHasContent = false;
  };

  while (i < n && rows.length < maxRows) {
    rowStart = record;
    // One record.
    for (;;) {
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        fieldHasContent = true;
        const startRecord = record;
        let parts = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) {
            throw new CsvSyntaxError(
              'unbalanced_quotes',
              `Row ${startRecord} opens a quoted value (") that is never closed, so the rest of the file would be read as one value. Check the quotes in that row.`,
              startRecord,
            );
          }
          const chunk = text.slice(from, q);
          record += countLineBreaks(chunk);
          if (text.charCodeAt(q + 1) === QUOTE) {
            parts += `${chunk}"`;
            from = q + 2;
            continue;
          }
          parts += chunk;
          i = q + 1;
          break;
        }
        // Text after the closing quote ("abc"def) is kept, as spreadsheets do.
        const end = nextBoundary(text, i, delim);
        value = end > i ? parts + text.slice(i, end) : parts;
        i = end;
      } else {
        const end = nextBoundary(text, i, delim);
        value = text.slice(i, end);
        if (end > i) fieldHasContent = true;
        i = end;
      }
      row.push(value);
      if (i >= n) {
        endRow();
        break;
      }
      const c = text.charCodeAt(i);
      if (c === delim) {
        fieldHasContent = true;
        i += 1;
        if (i >= n) {
          row.push('');
          endRow();
          break;
        }
        continue;
      }
      // A line end: CRLF, LF or CR.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      record += 1;
      endRow();
      break;
    }
  }
  return { rows, rowNumbers };
}

function nextBoundary(text: string, from: number, delim: number): number {
  for (let j = from; j < text.length; j += 1) {
    const c = text.charCodeAt(j);
    if (c === delim || c === LF || c === CR) return j;
  }
  return text.length;
}

function countLineBreaks(s: string): number {
  let count = 0;
  for (let j = 0; j < s.length; j += 1) {
    const c = s.charCodeAt(j);
    if (c === LF) count += 1;
    else if (c === CR && s.charCodeAt(j + 1) !== LF) count += 1;
  }
  return count;
}

/**
 * The delimiter that splits the first lines into the same number of fields, more than one.
 * Semicolons win over commas when both fit: Dutch and German Excel write semicolons and
 * commas then appear inside values.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const sample = text.slice(0, 64 * 1024);
  let best: { delimiter: CsvDelimiter; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of [';', '\t', ','] as const) {
    let parsed: ParsedCsv;
    try {
      parsed = parseCsv(sample, delimiter, { maxRows: 50 });
    } catch {
      continue;
    }
    // The sample may cut the last record short.
    const rows = parsed.rows.length > 1 ? parsed.rows.slice(0, -1) : parsed.rows;
    const first = rows[0]?.length ?? 0;
    if (first < 2) continue;
    const same = rows.filter((r) => r.length === first).length / rows.length;
    const score = same * 10 + Math.min(first, 10) / 10;
    if (score > best.score + 0.5) best = { delimiter, score };
  }
  return best.delimiter;
}

/**
 * A value as a spreadsheet must not run it: a leading =, +, -, @ (and tab or carriage return,
 * which some spreadsheets skip before looking) gets a ' in front.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV line of the product's own exports: every cell neutralised, quoted when it must be. */
export function csvLine(cells: Array<string | number | null | undefined>): string {
  return cells
    .map((cell) => {
      const value = neutraliseCell(cell === null || cell === undefined ? '' : String(cell));
      return /[",;\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    })
    .join(',');
}
