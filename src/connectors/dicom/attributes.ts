import type { DataSet } from 'dicom-parser';
import { ErrorCodes, MedfedError } from '../../core/errors.js';

/**
 * Typed, validated access to DICOM attributes of a dicom-parser DataSet. Tags are written
 * "GGGG,EEEE" in messages. A present but malformed value throws DATA_INVALID naming the file
 * and tag; an absent one gives undefined (or the default).
 */
export class DicomAttributes {
  constructor(
    readonly dataSet: DataSet,
    readonly fileName: string,
  ) {}

  has(tag: string): boolean {
    return this.dataSet.elements[key(tag)] !== undefined;
  }

  /** The whole string value (all values joined by "\\", trimmed), or "" when absent. */
  text(tag: string): string {
    const v = this.dataSet.string(key(tag));
    return v === undefined ? '' : v.replace(/\0/g, '').trim();
  }

  /** An unsigned 16-bit value (VR US), or undefined. */
  us(tag: string): number | undefined {
    const el = this.dataSet.elements[key(tag)];
    if (el === undefined || el.length < 2) return undefined;
    return this.dataSet.uint16(key(tag));
  }

  /** A required US value. */
  requiredUs(tag: string, name: string): number {
    const v = this.us(tag);
    if (v === undefined) throw this.invalid(tag, `${name} (${tag}) is missing`, 'an image needs Rows, Columns, BitsAllocated and the other Image Pixel attributes');
    return v;
  }

  /** An Integer String (IS) value, or undefined; a non-integer throws. */
  integer(tag: string, name: string): number | undefined {
    const raw = this.text(tag);
    if (raw === '') return undefined;
    if (!/^[+-]?\d+$/.test(raw)) throw this.invalid(tag, `${name} (${tag}) is "${raw}", not an integer`);
    return Number(raw);
  }

  /** All values of a Decimal String (DS), or undefined when absent; a non-number throws. */
  decimals(tag: string, name: string, count?: number): number[] | undefined {
    const raw = this.text(tag);
    if (raw === '') return undefined;
    const parts = raw.split('\\').map((s) => s.trim());
    const values = parts.map((s) => (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? NaN : Number(s)));
    if (values.some((v) => !Number.isFinite(v))) throw this.invalid(tag, `${name} (${tag}) is "${raw}", not a list of decimal numbers`);
    if (count !== undefined && values.length !== count) {
      throw this.invalid(tag, `${name} (${tag}) has ${values.length} values, expected ${count}`);
    }
    return values;
  }

  /** The first value of a DS, or undefined. */
  decimal(tag: string, name: string): number | undefined {
    return this.decimals(tag, name)?.[0];
  }

  invalid(tag: string, message: string, hint?: string): MedfedError {
    return new MedfedError(ErrorCodes.DATA_INVALID, `${this.fileName}: ${message}`, { where: `${this.fileName} (${tag})`, hint });
  }
}

/** "0028,0010" → dicom-parser's "x00280010". */
function key(tag: string): string {
  return `x${tag.replace(',', '').toLowerCase()}`;
}
