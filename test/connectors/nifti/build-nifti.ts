/** Hand-built NIfTI files for tests, written field by field from the NIfTI-1/-2 header layouts. */
export interface NiftiSpec {
  dims: number[];
  datatype: number;
  bitpix: number;
  values: number[];
  littleEndian?: boolean;
  pixdim?: number[];
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: [number, number, number];
  qoffset?: [number, number, number];
  srow?: number[][];
  intentCode?: number;
}

function writeValue(view: DataView, at: number, datatype: number, v: number, le: boolean): number {
  switch (datatype) {
    case 2: view.setUint8(at, v); return 1;
    case 4: view.setInt16(at, v, le); return 2;
    case 8: view.setInt32(at, v, le); return 4;
    case 16: view.setFloat32(at, v, le); return 4;
    case 64: view.setFloat64(at, v, le); return 8;
    case 512: view.setUint16(at, v, le); return 2;
    default: view.setUint8(at, v); return 1;
  }
}

export function buildNifti1(spec: NiftiSpec): Uint8Array {
  const le = spec.littleEndian ?? true;
  const dataBytes = (spec.values.length * spec.bitpix) / 8;
  const out = new Uint8Array(352 + dataBytes);
  const view = new DataView(out.buffer);
  view.setInt32(0, 348, le);
  [spec.dims.length, ...spec.dims, 1, 1, 1, 1, 1, 1, 1].slice(0, 8).forEach((d, i) => view.setInt16(40 + 2 * i, d, le));
  view.setInt16(68, spec.intentCode ?? 0, le);
  view.setInt16(70, spec.datatype, le);
  view.setInt16(72, spec.bitpix, le);
  (spec.pixdim ?? [1, 1, 1, 1, 1, 1, 1, 1]).forEach((p, i) => view.setFloat32(76 + 4 * i, p, le));
  view.setFloat32(108, 352, le);
  view.setFloat32(112, spec.sclSlope ?? 0, le);
  view.setFloat32(116, spec.sclInter ?? 0, le);
  view.setInt16(252, spec.qformCode ?? 0, le);
  view.setInt16(254, spec.sformCode ?? 0, le);
  (spec.quatern ?? [0, 0, 0]).forEach((q, i) => view.setFloat32(256 + 4 * i, q, le));
  (spec.qoffset ?? [0, 0, 0]).forEach((q, i) => view.setFloat32(268 + 4 * i, q, le));
  (spec.srow ?? [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]).forEach((row, r) => row.forEach((x, c) => view.setFloat32(280 + 16 * r + 4 * c, x, le)));
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  let at = 352;
  for (const v of spec.values) at += writeValue(view, at, spec.datatype, v, le);
  return out;
}

/** NIfTI-2: 540-byte header, 64-bit dims/pixdim/offsets, magic "n+2\0\r\n\x1a\n" at byte 4. */
export function buildNifti2(spec: NiftiSpec): Uint8Array {
  const le = spec.littleEndian ?? true;
  const dataBytes = (spec.values.length * spec.bitpix) / 8;
  const out = new Uint8Array(544 + dataBytes);
  const view = new DataView(out.buffer);
  view.setInt32(0, 540, le);
  out.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
  view.setInt16(12, spec.datatype, le);
  view.setInt16(14, spec.bitpix, le);
  [spec.dims.length, ...spec.dims, 1, 1, 1, 1, 1, 1, 1].slice(0, 8).forEach((d, i) => view.setBigInt64(16 + 8 * i, BigInt(d), le));
  (spec.pixdim ?? [1, 1, 1, 1, 1, 1, 1, 1]).forEach((p, i) => view.setFloat64(104 + 8 * i, p, le));
  view.setBigInt64(168, 544n, le);
  view.setFloat64(176, spec.sclSlope ?? 0, le);
  view.setFloat64(184, spec.sclInter ?? 0, le);
  view.setInt32(344, spec.qformCode ?? 0, le);
  view.setInt32(348, spec.sformCode ?? 0, le);
  (spec.srow ?? [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]).forEach((row, r) => row.forEach((x, c) => view.setFloat64(400 + 32 * r + 8 * c, x, le)));
  view.setInt32(504, spec.intentCode ?? 0, le);
  let at = 544;
  for (const v of spec.values) at += writeValue(view, at, spec.datatype, v, le);
  return out;
}
