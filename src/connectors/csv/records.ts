import { ErrorCodes, MedfedError } from '../../core/errors.js';

/** One CSV record: its fields (unquoted) and the 1-based file line on which it starts. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * Splits CSV text into records (RFC 4180): quoted fields may hold the delimiter, doubled quotes
 * and line breaks; LF, CRLF and CR all end a record; a leading byte-order mark is skipped;
 * lines that are entirely empty are skipped (they hold no record). Isomorphic, no Buffer.
 * A quote that is never closed, or text after a closing quote, is DATA_INVALID at file:line:column
 * (column = 1-based field index).
 */
export function splitCsvRecords(text: string, fileName: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) {
            throw new MedfedError(ErrorCodes.DATA_INVALID, `field ${fields.length + 1} opens a quote that is never closed`, {
              where: `${fileName}:${quoteLine}:${fields.length + 1}`,
              hint: 'close the quoted field with " (write "" for a quote inside it)',
            });
          }
          const q = text[i];
          if (q === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
          value += q;
          i++;
        }
        if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          throw new MedfedError(ErrorCodes.DATA_INVALID, `field ${fields.length + 1} has text after its closing quote`, {
            where: `${fileName}:${line}:${fields.length + 1}`,
            hint: 'quote the whole field, and write "" for a quote inside it',
          });
        }
      } else {
        const start = i;
        while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
        value = text.slice(start, i);
      }
      fields.push(value);
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    records.push({ fields, line: startLine });
  }
  return records;
}
