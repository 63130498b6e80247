import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { MissingReport, Table } from '../../data/table.js';
import { splitCsvRecords, type CsvRecord } from './records.js';
import { eventValuesOf, isLabelColumn, levelsOf, type ColumnSpec, type TabularSchema } from './schema.js';
import { parseCell } from './values.js';

/**
 * Reads CSV text against its declared schema into a Table. Isomorphic (takes text, not a path).
 * Every row is checked; the first cell that does not fit throws DATA_INVALID at
 * "file:line:column" (1-based file line, 1-based field index). Columns in the file that the
 * schema does not declare are ignored. An empty file, or a header without rows, is
 * DATA_UNREADABLE. Rows removed by a drop-row policy are counted in `table.missing`.
 * A survival schema gives `survival` (one float per row: +time for an event, -time censored)
 * and `label` = the event indicator (0 censored, 1 event); docs/survival.md.
 */
export function parseCsv(text: string, fileName: string, schema: TabularSchema): Table {
  const records = splitCsvRecords(text, fileName, schema.delimiter);
  if (records.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `${fileName} is empty: expected a header row and data rows`, {
      where: fileName,
    });
  }
  if (records.length === 1) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `${fileName} has a header but no data rows`, { where: fileName });
  }
  const header = records[0];
  const positions = locateColumns(header, fileName, schema);
  const missingTokens = new Set(schema.missingTokens);
  const features = schema.columns.filter((c) => !isLabelColumn(schema, c.name));
  const sv = schema.survival;
  const column = (name: string) => schema.columns.find((c) => c.name === name)!;
  const labelSpec = column(sv ? sv.event : schema.label!);
  const timeSpec = sv ? column(sv.time) : undefined;
  const startSpec = sv?.start !== undefined ? column(sv.start) : undefined;
  const eventLevels = sv ? new Set(eventValuesOf(sv, labelSpec).map((v) => levelsOf(labelSpec).indexOf(v))) : undefined;
  const rows = records.length - 1;
  const values = features.map(() => new Float64Array(rows));
  const label = new Int32Array(rows);
  const survival = sv ? new Float64Array(rows) : undefined;
  const lines = new Int32Array(rows);
  const sites: string[] = [];
  const missingCount = new Map<string, number>();
  const droppedBy = new Map<string, number>();
  const keep = new Uint8Array(rows).fill(1);

  const cell = (rec: CsvRecord, col: ColumnSpec): number => {
    const field = positions.get(col.name)!;
    const where = `${fileName}:${rec.line}:${field + 1}`;
    const raw = rec.fields[field].trim();
    if (!missingTokens.has(raw)) return parseCell(raw, col, where);
    missingCount.set(col.name, (missingCount.get(col.name) ?? 0) + 1);
    if (col.missing === 'error') {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `column "${col.name}": missing value ("${raw}") and its policy is "error"`, {
        where,
        hint: 'fill in the value, or set missing: drop-row / impute-mean / impute-median / indicator for this column',
      });
    }
    return NaN;
  };

  for (let r = 0; r < rows; r++) {
    const rec = records[r + 1];
    if (rec.fields.length !== header.fields.length) {
      const column = Math.min(rec.fields.length, header.fields.length) + 1;
      throw new MedfedError(
        ErrorCodes.DATA_INVALID,
        `row has ${rec.fields.length} fields but the header has ${header.fields.length}`,
        { where: `${fileName}:${rec.line}:${column}`, hint: 'check for a missing or extra delimiter, or an unquoted delimiter inside a value' },
      );
    }
    lines[r] = rec.line;
    let droppedFor: string | undefined;
    features.forEach((col, j) => {
      const v = cell(rec, col);
      values[j][r] = v;
      if (Number.isNaN(v) && col.missing === 'drop-row') droppedFor ??= col.name;
    });
    const y = cell(rec, labelSpec);
    if (Number.isNaN(y)) droppedFor ??= labelSpec.name;
    label[r] = Number.isNaN(y) ? -1 : y;
    if (sv && survival && timeSpec && eventLevels) {
      // Survival columns take missing: error (schema.ts), so every cell here is a value.
      const event = eventLevels.has(y);
      label[r] = event ? 1 : 0;
      const time = cell(rec, timeSpec) - (startSpec ? cell(rec, startSpec) : 0) + sv.timeOffset;
      if (!(time > 0)) {
        const what = startSpec ? `"${timeSpec.name}" - "${startSpec.name}"${sv.timeOffset ? ` + ${sv.timeOffset}` : ''}` : `"${timeSpec.name}"${sv.timeOffset ? ` + ${sv.timeOffset}` : ''}`;
        throw new MedfedError(ErrorCodes.DATA_INVALID, `survival time ${what} is ${time}; it must be > 0`, {
          where: `${fileName}:${rec.line}:${positions.get(timeSpec.name)! + 1}`,
          hint: 'fix the time (and start) of this row, or set survival.timeOffset (e.g. 0.5) when same-day events are real',
        });
      }
      survival[r] = event ? time : -time;
    }
    if (schema.site !== undefined) {
      const siteField = positions.get(schema.site)!;
      const site = rec.fields[siteField].trim();
      if (missingTokens.has(site)) {
        if (schema.siteMissing === 'error') {
          throw new MedfedError(ErrorCodes.DATA_INVALID, `site column "${schema.site}" is missing ("${site}")`, {
            where: `${fileName}:${rec.line}:${siteField + 1}`,
            hint: 'every row needs its site (or set siteMissing: drop-row in the schema)',
          });
        }
        missingCount.set(schema.site, (missingCount.get(schema.site) ?? 0) + 1);
        droppedFor ??= schema.site;
      }
      sites.push(site);
    }
    if (droppedFor !== undefined) {
      keep[r] = 0;
      droppedBy.set(droppedFor, (droppedBy.get(droppedFor) ?? 0) + 1);
    }
  }

  const kept: number[] = [];
  for (let r = 0; r < rows; r++) if (keep[r]) kept.push(r);
  if (kept.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `all ${rows} rows of ${fileName} were dropped for missing values`, {
      where: fileName,
      hint: 'use an impute-* or indicator policy for the columns that are often missing',
    });
  }
  const missing: MissingReport = {
    rowsRead: rows,
    rowsDropped: rows - kept.length,
    droppedLines: Array.from({ length: rows }, (_, r) => r).filter((r) => !keep[r]).map((r) => lines[r]),
    byColumn: [
      ...schema.columns
        .filter((c) => missingCount.has(c.name))
        .map((c) => ({ column: c.name, policy: c.missing, missing: missingCount.get(c.name)!, droppedRows: droppedBy.get(c.name) ?? 0 })),
      ...(schema.site !== undefined && missingCount.has(schema.site)
        ? [{ column: schema.site, policy: 'drop-row' as const, missing: missingCount.get(schema.site)!, droppedRows: droppedBy.get(schema.site) ?? 0 }]
        : []),
    ],
  };
  const take = <A extends Float64Array | Int32Array>(a: A): A => (kept.length === rows ? a : (a.filter((_, r) => keep[r] === 1) as A));
  return {
    source: fileName,
    schema,
    n: kept.length,
    features: features.map((spec, j) => ({ spec, values: take(values[j]) })),
    label: take(label),
    labelName: labelSpec.name,
    labelLevels: sv ? survivalLabelLevels : levelsOf(labelSpec),
    ...(survival ? { survival: take(survival) } : {}),
    sites: schema.site !== undefined ? kept.map((r) => sites[r]) : undefined,
    lines: take(lines),
    missing,
  };
}

/** Class names of a survival table's `label` (the event indicator). */
const survivalLabelLevels = ['censored', 'event'] as const;

/** Field index of every declared column (and the site column); DATA_INVALID names any that is absent. */
function locateColumns(header: CsvRecord, fileName: string, schema: TabularSchema): Map<string, number> {
  const names = header.fields.map((f) => f.trim());
  const positions = new Map<string, number>();
  names.forEach((name, i) => {
    if (positions.has(name)) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `header names column "${name}" twice`, {
        where: `${fileName}:${header.line}:${i + 1}`,
      });
    }
    positions.set(name, i);
  });
  const wanted = [...schema.columns.map((c) => c.name), ...(schema.site !== undefined ? [schema.site] : [])];
  const absent = wanted.filter((w) => !positions.has(w));
  if (absent.length > 0) {
    throw new MedfedError(
      ErrorCodes.DATA_INVALID,
      `${fileName} lacks declared column${absent.length > 1 ? 's' : ''} ${absent.map((a) => `"${a}"`).join(', ')}`,
      { where: `${fileName}:${header.line}`, hint: `its header has: ${names.join(', ')}` },
    );
  }
  return positions;
}
