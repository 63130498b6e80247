import { ErrorCodes, MedfedError } from '../core/errors.js';

/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers as JSON.stringify writes them (ECMAScript number-to-string is exact and unique).
 * Object members whose value is `undefined` are left out (as JSON.stringify does), so an
 * optional field that is absent and one set to undefined give the same bytes. Anything JSON
 * cannot hold exactly (NaN, Infinity, bigint, functions, undefined in an array, class
 * instances such as Date or Map) is refused rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

/** The canonical JSON as UTF-8 bytes: what is hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw refuse(path, `the number ${value} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value, path) : writeObject(value as object, path);
    default:
      throw refuse(path, `a value of type ${typeof value} has no JSON form`);
  }
}

function writeArray(items: unknown[], path: string): string {
  const parts = items.map((item, i) => {
    if (item === undefined) throw refuse(`${path}[${i}]`, 'undefined inside an array has no JSON form');
    return write(item, `${path}[${i}]`);
  });
  return `[${parts.join(',')}]`;
}

function writeObject(obj: object, path: string): string {
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    throw refuse(path, `a ${proto?.constructor?.name ?? 'class'} instance is not plain JSON data`);
  }
  const record = obj as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  const parts = keys.map((k) => `${JSON.stringify(k)}:${write(record[k], `${path}.${k}`)}`);
  return `{${parts.join(',')}}`;
}

function refuse(path: string, what: string): MedfedError {
  return new MedfedError(ErrorCodes.INTERNAL, `cannot write canonical JSON: ${what}`, {
    where: path,
    hint: 'audit entries hold only strings, finite numbers, booleans, null, arrays and plain objects',
  });
}
