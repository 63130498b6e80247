import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { MoleculeRecord } from './records.js';

/**
 * An SD file: records separated by "$$$$", each an MDL molblock (up to "M  END") followed by data
 * items ("> <NAME>" then value lines up to a blank line). The record's id is its title line (the
 * molblock's first line), or its 1-based record number when the title is empty. A record
 * without "M  END" is a FORMAT_INVALID error naming the record and line.
 */
export function parseSdf(text: string, file: string): MoleculeRecord[] {
  const lines = text.split(/\r?\n/);
  const out: MoleculeRecord[] = [];
  let start = 0;
  let record = 0;
  for (let i = 0; i <= lines.length; i++) {
    const atEnd = i === lines.length;
    if (!atEnd && lines[i].trim() !== '$$$$') continue;
    const block = lines.slice(start, i);
    const firstLine = start + 1;
    start = i + 1;
    if (block.every((l) => l.trim().length === 0)) continue;
    record++;
    const end = block.findIndex((l) => l.startsWith('M  END'));
    if (end < 0) {
      throw new MedfedError(ErrorCodes.FORMAT_INVALID, `${file} record ${record} (line ${firstLine}): no "M  END" line; not an MDL molblock`, {
        where: `${file}:${firstLine}`,
        hint: atEnd ? 'the file may be truncated: every record must end with "M  END", its data items and "$$$$"' : 'check the record is a V2000/V3000 molblock',
      });
    }
    const props: Record<string, string> = {};
    for (let j = end + 1; j < block.length; j++) {
      const m = /^>.*<([^>]+)>/.exec(block[j]);
      if (!m) continue;
      const values: string[] = [];
      for (j++; j < block.length && block[j].trim().length > 0; j++) values.push(block[j]);
      props[m[1]] = values.join('\n').trim();
    }
    const title = block[0]?.trim() ?? '';
    out.push({ id: title || String(record), format: 'molblock', structure: block.slice(0, end + 1).join('\n'), props, file, line: firstLine, record });
  }
  return out;
}
