import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { recordWhere, type MoleculeRecord } from './records.js';

function numberAt(text: string, where: string, what: string): number {
  const v = Number(text.trim());
  if (text.trim().length === 0 || !Number.isFinite(v)) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${where}: ${what} "${text.trim()}" is not a number`, {
      where,
      hint: 'every molecule needs a numeric activity or label',
    });
  }
  return v;
}

/**
 * Activities from a CSV file with a header row (plain comma-separated, no quoting), joined to the
 * molecules on their id: `idColumn` holds the molecule id, `valueColumn` the activity. A molecule
 * without a row, or an id listed twice, is an error naming the file and line.
 */
export function joinActivities(records: readonly MoleculeRecord[], csvText: string, csvFile: string, columns: { id: string; value: string }): number[] {
  const lines = csvText.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const idCol = header.indexOf(columns.id);
  const valueCol = header.indexOf(columns.value);
  for (const [name, col] of [[columns.id, idCol], [columns.value, valueCol]] as const) {
    if (col < 0) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${csvFile} line 1: no column "${name}" (columns: ${header.join(', ')})`, {
        where: `${csvFile}:1`,
        hint: 'name the id and activity columns of the activity file in the study spec',
      });
    }
  }
  const byId = new Map<string, { value: number; line: number }>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim().length === 0) continue;
    const cells = lines[i].split(',');
    const id = (cells[idCol] ?? '').trim();
    const where = `${csvFile} line ${i + 1}`;
    const before = byId.get(id);
    if (before) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${where}: molecule id "${id}" already has an activity on line ${before.line}`, {
        where: `${csvFile}:${i + 1}`,
        hint: 'list each molecule once in the activity file',
      });
    }
    byId.set(id, { value: numberAt(cells[valueCol] ?? '', where, `activity "${columns.value}"`), line: i + 1 });
  }
  return records.map((r) => {
    const a = byId.get(r.id);
    if (!a) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${recordWhere(r)}: molecule "${r.id}" has no activity in ${csvFile}`, {
        where: `${r.file}:${r.line}`,
        hint: `add a row for "${r.id}" to ${csvFile} or remove the molecule`,
      });
    }
    return a.value;
  });
}

/** Labels from a file with one value per line, line i for molecule i (blank lines skipped). */
export function alignedLabels(records: readonly MoleculeRecord[], text: string, file: string): number[] {
  const values = text
    .split(/\r?\n/)
    .map((l, i) => ({ text: l, line: i + 1 }))
    .filter((l) => l.text.trim().length > 0);
  if (values.length !== records.length) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${file} has ${values.length} label(s) but ${records[0]?.file ?? 'the molecule file'} has ${records.length} molecule(s)`, {
      where: file,
      hint: 'a line-aligned label file needs exactly one value per molecule, in the same order',
    });
  }
  return values.map((v) => numberAt(v.text, `${file} line ${v.line}`, 'label'));
}

/** A numeric SDF data item of every record (e.g. ACTIVITY). */
export function sdfProperty(records: readonly MoleculeRecord[], name: string): number[] {
  return records.map((r) => {
    const v = r.props[name];
    if (v === undefined) {
      throw new MedfedError(ErrorCodes.DATA_INVALID, `${recordWhere(r)}: no data item <${name}>`, {
        where: `${r.file}:${r.line}`,
        hint: `every record needs a "> <${name}>" item (items present: ${Object.keys(r.props).join(', ') || 'none'})`,
      });
    }
    return numberAt(v, recordWhere(r), `<${name}>`);
  });
}
