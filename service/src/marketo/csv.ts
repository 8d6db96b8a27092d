/**
 * An incremental parser for Marketo bulk export files: RFC 4180 quoting, the format's delimiter,
 * and the unquoted word `null` for an empty value. Text goes in as it arrives; complete records come
 * out; a record split across chunks waits for the rest.
 */
export type CsvValue = string | null;

export class CsvStreamParser {
  private rest = '';

  constructor(private readonly delimiter = ',') {}

  /** Parses what it can of `text`, appending complete records to `out`. */
  push(text: string, out: CsvValue[][]): void {
    const data = this.rest.length > 0 ? this.rest + text : text;
    const d = this.delimiter;
    let pos = 0;
    for (;;) {
      const nl = data.indexOf('\n', pos);
      if (nl < 0) break;
      const quote = data.indexOf('"', pos);
      if (quote < 0 || quote > nl) {
        let end = nl;
        if (end > pos && data.charCodeAt(end - 1) === 13) end--;
        const line = data.slice(pos, end);
        const cells: CsvValue[] = line.split(d);
        for (let i = 0; i < cells.length; i++) if (cells[i] === 'null') cells[i] = null;
        out.push(cells);
        pos = nl + 1;
        continue;
      }
      const next = this.quoted(data, pos, out);
      if (next < 0) break;
      pos = next;
    }
    this.rest = data.slice(pos);
  }

  /** Parses one record containing quotes from `start`; returns the position after it, or -1 if incomplete. */
  private quoted(data: string, start: number, out: CsvValue[][]): number {
    const d = this.delimiter.charCodeAt(0);
    const cells: CsvValue[] = [];
    let i = start;
    let cell = '';
    let wasQuoted = false;
    const n = data.length;
    while (i < n) {
      const c = data.charCodeAt(i);
      if (c === 34 && cell === '' && !wasQuoted) {
        wasQuoted = true;
        let j = i + 1;
        for (;;) {
          const q = data.indexOf('"', j);
          if (q < 0) return -1;
          cell += data.slice(j, q);
          if (q + 1 >= n) return -1;
          if (data.charCodeAt(q + 1) === 34) {
            cell += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        continue;
      }
      if (c === d) {
        cells.push(!wasQuoted && cell === 'null' ? null : cell);
        cell = '';
        wasQuoted = false;
        i++;
        continue;
      }
      if (c === 10 || c === 13) {
        if (c === 13 && i + 1 < n && data.charCodeAt(i + 1) === 10) i++;
        else if (c === 13 && i + 1 >= n) return -1;
        cells.push(!wasQuoted && cell === 'null' ? null : cell);
        out.push(cells);
        return i + 1;
      }
      cell += data[i];
      i++;
    }
    return -1;
  }

  /** The last record when the file does not end with a newline. */
  end(out: CsvValue[][]): void {
    if (this.rest.length > 0) {
      const text = this.rest;
      this.rest = '';
      this.push(text + '\n', out);
    }
  }
}
