/** The part of @lhncbc/ucum-lhc (which ships no types) that medfed uses for unit conversion. */
declare module '@lhncbc/ucum-lhc' {
  interface UcumConversion {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg: string[];
  }
  interface UcumValidation {
    status: 'valid' | 'invalid' | 'error';
    ucumCode: string | null;
    msg: string[];
  }
  interface UcumLhcUtils {
    convertUnitTo(fromUnit: string, value: number, toUnit: string, options?: { molecularWeight?: number }): UcumConversion;
    validateUnitString(unit: string, suggest?: boolean): UcumValidation;
  }
  const ucum: { UcumLhcUtils: { getInstance(): UcumLhcUtils } };
  export default ucum;
}
