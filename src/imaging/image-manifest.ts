import { ErrorCodes, MedfedError } from '../core/errors.js';

/** One image of a site's manifest: its file (relative to the manifest's folder) and class label. */
export interface ManifestEntry {
  readonly file: string;
  readonly label: number;
  /** 1-based line in the manifest. */
  readonly line: number;
}

/**
 * Parses a site's image manifest: CSV text with a header naming at least the columns `file`
 * and `label` (other columns are allowed and ignored), then one image per line; blank lines
 * and lines starting with `#` are skipped. Labels are class indices 0, 1, 2, ...; files are
 * paths relative to the manifest. Quoted fields are not supported (file names must not contain
 * commas or quotes). Any bad line is DATA_INVALID naming `fileName:line` and what is wrong.
 */
export function parseImageManifest(text: string, fileName: string): ManifestEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const bad = (line: number, message: string, hint = 'each line must be "<file>,<label>" with a label 0, 1, ... (see docs/imaging.md)'): never => {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName} line ${line}: ${message}`, { where: `${fileName}:${line}`, hint });
  };
  let header: string[] | undefined;
  let fileCol = -1;
  let labelCol = -1;
  const entries: ManifestEntry[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    if (raw.includes('"')) bad(line, 'quoted fields are not supported', 'rename files so that their names contain no commas or quotes');
    const cells = raw.split(',').map((c) => c.trim());
    if (!header) {
      header = cells;
      fileCol = cells.indexOf('file');
      labelCol = cells.indexOf('label');
      if (fileCol < 0 || labelCol < 0) {
        bad(line, `the header is "${raw}"; it must name the columns "file" and "label"`, 'start the manifest with the line "file,label"');
      }
      continue;
    }
    if (cells.length !== header.length) bad(line, `has ${cells.length} field(s), the header has ${header.length} (${header.join(',')})`);
    const file = cells[fileCol];
    const labelText = cells[labelCol];
    if (file === '') bad(line, 'the file name is empty');
    if (!/^\d+$/.test(labelText)) bad(line, `label "${labelText}" is not a class index (0, 1, 2, ...)`);
    const label = Number(labelText);
    if (!Number.isSafeInteger(label)) bad(line, `label "${labelText}" is too large`);
    const first = seen.get(file);
    if (first !== undefined) bad(line, `file "${file}" is listed again (first on line ${first})`, 'list each image once');
    seen.set(file, line);
    entries.push({ file, label, line });
  }
  if (!header) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName} is empty: it has no header line "file,label"`, { where: fileName, hint: 'list the site\'s images, one "<file>,<label>" per line' });
  }
  if (entries.length === 0) {
    throw new MedfedError(ErrorCodes.DATA_INVALID, `${fileName} lists no images`, { where: fileName, hint: 'list the site\'s images, one "<file>,<label>" per line' });
  }
  return entries;
}

/** Manifest text for `entries` (header "file,label"). */
export function formatImageManifest(entries: readonly { file: string; label: number }[]): string {
  for (const e of entries) {
    if (/[,"\r\n]/.test(e.file)) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `image file name "${e.file}" contains a comma, quote or line break`, { where: e.file });
    }
  }
  return `file,label\n${entries.map((e) => `${e.file},${e.label}`).join('\n')}\n`;
}
