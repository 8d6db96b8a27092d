/**
 * RFC 4180 CSV as Bulk API 2.0 reads and writes it: a header row, fields quoted when they contain
 * the delimiter, a quote or a line break, LF or CRLF line endings.
 */

export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  // A byte-order mark is not part of the first column name.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/**
 * Salesforce quotes every header and value in result files (`"sf__Id","sf__Created",...`);
 * we do the same so clients that compare raw text see what they would see from an org.
 */
export function toCsv(header: string[], rows: string[][], lineEnding = '\n', delimiter = ','): string {
  const line = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(delimiter);
  return [line(header), ...rows.map(line)].join(lineEnding) + lineEnding;
}
