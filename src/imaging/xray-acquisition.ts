import { writeDicomImage, type DicomWriteInput } from '../connectors/dicom/write.js';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { deriveSeed, Rng } from '../core/random.js';
import { renderAttenuation, samplePatient, type ChestPatient } from './chest-xray-phantom.js';

/**
 * How one hospital's X-ray system turns a patient into stored pixel values: detector size,
 * response curve (contrast, gamma, offset), sharpness, noise, bit depth, photometric
 * interpretation, rescale, plus the tags that name the device. These are the "scanner
 * differences" of the imaging study (docs/imaging.md); they are deliberately larger than
 * between real modern detectors, so that the effect of FedBN is visible.
 */
export interface XraySiteProfile {
  readonly manufacturer: string;
  readonly model: string;
  readonly institution: string;
  readonly station: string;
  readonly modality: 'CR' | 'DX';
  /** Detector matrix, pixels (square). */
  readonly size: number;
  /** Field of view, mm (PixelSpacing = fov / size). */
  readonly fovMm: number;
  readonly bitsStored: number;
  readonly photometric: 'MONOCHROME1' | 'MONOCHROME2';
  /** Signal = offset + contrast · (attenuation / 0.8)^gamma, in [0, 1] of full scale. */
  readonly contrast: number;
  readonly gamma: number;
  readonly offset: number;
  /** Gaussian blur sigma in detector pixels (system MTF). */
  readonly blur: number;
  /** Noise standard deviation as a fraction of full scale (scaled by 0.5 + signal). */
  readonly noise: number;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  readonly transferSyntax: 'explicit-le' | 'implicit-le';
  /** Share of images with an opacity (label 1). */
  readonly prevalence: number;
}

/** The four built-in acquisition profiles; site k (1-based) uses profile (k − 1) mod 4. */
export const XRAY_SITE_PROFILES: readonly XraySiteProfile[] = [
  {
    manufacturer: 'Siemens Healthineers', model: 'Ysio Max', institution: 'Northgate University Hospital', station: 'NUH-DX1',
    modality: 'DX', size: 160, fovMm: 430, bitsStored: 14, photometric: 'MONOCHROME2',
    contrast: 0.9, gamma: 1.0, offset: 0.05, blur: 0.6, noise: 0.012, rescaleSlope: 1, rescaleIntercept: 0, transferSyntax: 'explicit-le', prevalence: 0.35,
  },
  {
    manufacturer: 'Philips', model: 'DigitalDiagnost C90', institution: 'Riverside General', station: 'RG-XR2',
    modality: 'DX', size: 128, fovMm: 420, bitsStored: 12, photometric: 'MONOCHROME1',
    contrast: 0.8, gamma: 0.7, offset: 0.1, blur: 0.8, noise: 0.025, rescaleSlope: 2, rescaleIntercept: -1000, transferSyntax: 'implicit-le', prevalence: 0.5,
  },
  {
    manufacturer: 'Carestream Health', model: 'DRX-Revolution', institution: 'St. Elsewhere Community Hospital', station: 'SECH-PORTABLE',
    modality: 'CR', size: 96, fovMm: 400, bitsStored: 12, photometric: 'MONOCHROME2',
    contrast: 0.7, gamma: 1.5, offset: 0.15, blur: 1.0, noise: 0.045, rescaleSlope: 1, rescaleIntercept: -512, transferSyntax: 'explicit-le', prevalence: 0.2,
  },
  {
    manufacturer: 'FUJIFILM Corporation', model: 'FCR PROFECT CS', institution: 'Lakeside Clinic', station: 'LC-CR1',
    modality: 'CR', size: 128, fovMm: 430, bitsStored: 16, photometric: 'MONOCHROME1',
    contrast: 1.0, gamma: 1.2, offset: 0.0, blur: 1.4, noise: 0.02, rescaleSlope: 0.5, rescaleIntercept: 0, transferSyntax: 'explicit-le', prevalence: 0.4,
  },
];

export function xrayProfileFor(siteIndex: number): XraySiteProfile {
  return XRAY_SITE_PROFILES[siteIndex % XRAY_SITE_PROFILES.length];
}

/** Separable Gaussian blur (edge-clamped) of a size×size image, in place of a copy. */
function gaussianBlur(src: Float32Array, size: number, sigma: number): Float32Array {
  if (sigma <= 0) return src;
  const radius = Math.ceil(sigma * 3);
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const clamp = (i: number) => (i < 0 ? 0 : i >= size ? size - 1 : i);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let t = -radius; t <= radius; t++) s += k[t + radius] * src[r * size + clamp(c + t)];
      tmp[r * size + c] = s;
    }
  }
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let t = -radius; t <= radius; t++) s += k[t + radius] * tmp[clamp(r + t) * size + c];
      out[r * size + c] = s;
    }
  }
  return out;
}

/**
 * Stored pixel values of `patient` as `profile`'s system records them: response curve, blur,
 * signal-dependent noise, quantisation to `bitsStored`, and for MONOCHROME1 inversion
 * (stored = max − value, so that high attenuation has low stored values).
 */
export function acquireXray(patient: ChestPatient, profile: XraySiteProfile, rng: Rng): Uint16Array {
  const n = profile.size;
  const attenuation = renderAttenuation(patient, n);
  const signal = new Float32Array(n * n);
  for (let i = 0; i < signal.length; i++) {
    const d = Math.min(1, Math.max(0, attenuation[i] / 0.8));
    signal[i] = profile.offset + profile.contrast * d ** profile.gamma;
  }
  const blurred = gaussianBlur(signal, n, profile.blur);
  const max = 2 ** profile.bitsStored - 1;
  const stored = new Uint16Array(n * n);
  for (let i = 0; i < stored.length; i++) {
    const s = blurred[i] + rng.normal() * profile.noise * (0.5 + blurred[i]);
    const q = Math.round(Math.min(1, Math.max(0, s)) * max);
    stored[i] = profile.photometric === 'MONOCHROME1' ? max - q : q;
  }
  return stored;
}

/** A DICOM UID under 2.25 (UUID-derived form) from a seed and labels: deterministic. */
export function derivedUid(seed: number, ...labels: (string | number)[]): string {
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 32n) | BigInt(deriveSeed(seed, 'uid', i, ...labels) >>> 0);
  return `2.25.${v.toString()}`;
}

export interface GeneratedXray {
  readonly fileName: string;
  readonly label: 0 | 1;
  readonly bytes: Uint8Array;
  /** For provenance/tests: opacity kind ('none' for label 0). */
  readonly finding: 'none' | 'patchy' | 'consolidation';
}

export interface XraySiteOptions {
  readonly siteId: string;
  /** 0-based position of the site: picks the acquisition profile and seeds its patients. */
  readonly siteIndex: number;
  readonly count: number;
  readonly seed: number;
  /** Default: xrayProfileFor(siteIndex). */
  readonly profile?: XraySiteProfile;
}

/**
 * The images of one site, deterministically from (seed, siteIndex): exactly
 * round(count × prevalence) positives at seeded positions. Each image is a DICOM Part 10 file
 * (DX or CR SOP class, 16 bits allocated, `bitsStored` stored, rescale slope/intercept,
 * PixelSpacing, window, device tags); same seed → same bytes (UIDs derived from the seed).
 */
export function* generateXraySite(o: XraySiteOptions): Generator<GeneratedXray> {
  const profile = o.profile ?? xrayProfileFor(o.siteIndex);
  if (!(Number.isInteger(o.count) && o.count > 0)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `the X-ray generator needs a positive whole number of images per site, got ${o.count}`, {
      where: 'perSite',
    });
  }
  const positives = Math.round(o.count * profile.prevalence);
  const order = Rng.derive(o.seed, 'xray-labels', o.siteIndex).permutation(o.count);
  const labels = new Uint8Array(o.count);
  for (let i = 0; i < positives; i++) labels[order[i]] = 1;
  const studyUid = derivedUid(o.seed, 'study', o.siteIndex);
  const seriesUid = derivedUid(o.seed, 'series', o.siteIndex);
  const max = 2 ** profile.bitsStored - 1;
  const spacing = Math.round((profile.fovMm / profile.size) * 1e4) / 1e4;
  for (let i = 0; i < o.count; i++) {
    const rng = Rng.derive(o.seed, 'xray-image', o.siteIndex, i);
    const label = labels[i] as 0 | 1;
    const patient = samplePatient(rng, label === 1);
    const storedValues = acquireXray(patient, profile, rng);
    const number = String(i + 1).padStart(4, '0');
    const input: DicomWriteInput = {
      rows: profile.size,
      columns: profile.size,
      storedValues,
      bitsStored: profile.bitsStored,
      modality: profile.modality,
      photometricInterpretation: profile.photometric,
      rescaleSlope: profile.rescaleSlope,
      rescaleIntercept: profile.rescaleIntercept,
      windowCenter: (max / 2) * profile.rescaleSlope + profile.rescaleIntercept,
      windowWidth: max * profile.rescaleSlope * 0.9,
      pixelSpacing: [spacing, spacing],
      instanceNumber: i + 1,
      manufacturer: profile.manufacturer,
      manufacturerModelName: profile.model,
      institutionName: profile.institution,
      stationName: profile.station,
      patientId: `${o.siteId}-${number}`,
      seriesDescription: 'CHEST PA (synthetic, medfed generator)',
      studyInstanceUid: studyUid,
      seriesInstanceUid: seriesUid,
      sopInstanceUid: derivedUid(o.seed, 'sop', o.siteIndex, i),
      transferSyntax: profile.transferSyntax,
    };
    yield { fileName: `img-${number}.dcm`, label, bytes: writeDicomImage(input), finding: patient.opacity?.kind ?? 'none' };
  }
}
