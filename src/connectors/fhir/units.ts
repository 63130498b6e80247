import ucum from '@lhncbc/ucum-lhc';

/**
 * UCUM unit conversion through @lhncbc/ucum-lhc (the NLM's maintained UCUM library), cached as an
 * affine map per (from, to, molecular weight): value_to = scale * value_from + offset (offset is
 * non-zero only for temperatures). Mass <-> amount-of-substance conversions (mg/dL <-> mmol/L)
 * need the substance's molecular weight in g/mol. Isomorphic.
 */
export interface UnitConversion {
  readonly from: string;
  readonly to: string;
  readonly scale: number;
  readonly offset: number;
  apply(value: number): number;
}

const utils = ucum.UcumLhcUtils.getInstance();
const cache = new Map<string, UnitConversion | string>();

/** Whether `unit` is a valid UCUM code (case-sensitive), e.g. "mg/dL", "mm[Hg]", "kg/m2", "%". */
export function isUcumUnit(unit: string): boolean {
  return utils.validateUnitString(unit).status === 'valid';
}

/**
 * The conversion from `from` to `to`, or a reason why there is none (unknown unit, different
 * dimensions, molar <-> mass without a molecular weight). Identical units convert by identity.
 */
export function unitConversion(from: string, to: string, molecularWeight?: number): UnitConversion | string {
  const key = `${from}\u0000${to}\u0000${molecularWeight ?? ''}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = computeConversion(from, to, molecularWeight);
  cache.set(key, result);
  return result;
}

function computeConversion(from: string, to: string, molecularWeight?: number): UnitConversion | string {
  const make = (scale: number, offset: number): UnitConversion => ({ from, to, scale, offset, apply: (v) => scale * v + offset });
  if (from === to) return make(1, 0);
  for (const u of [from, to]) {
    if (!isUcumUnit(u)) return `"${u}" is not a UCUM unit`;
  }
  const opts = molecularWeight !== undefined ? { molecularWeight } : undefined;
  const at = (v: number): number | string => {
    const r = utils.convertUnitTo(from, v, to, opts);
    return r.status === 'succeeded' && r.toVal !== null ? r.toVal : r.msg.join(' ') || `cannot convert ${from} to ${to}`;
  };
  const y0 = at(0);
  const y1 = at(1);
  const y10 = at(10);
  if (typeof y0 === 'string') return y0;
  if (typeof y1 === 'string' || typeof y10 === 'string') return `cannot convert ${from} to ${to}`;
  const scale = y1 - y0;
  if (Math.abs(y0 + 10 * scale - y10) > 1e-9 * Math.max(1, Math.abs(y10))) return `the conversion from ${from} to ${to} is not linear`;
  return make(scale, y0);
}
