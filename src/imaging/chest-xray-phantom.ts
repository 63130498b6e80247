import { Rng } from '../core/random.js';

/**
 * A synthetic frontal (PA) chest radiograph, as an attenuation map: larger values mean more
 * X-ray attenuation (whiter on a MONOCHROME2 display). Isomorphic, seeded, resolution
 * independent: the anatomy is analytic in normalised coordinates u, v ∈ [-1, 1] (u to the
 * image right = patient's left, v downwards) and sampled at pixel centres, so the same patient
 * renders at 96, 128 or 160 px. Not a physical simulation: a plausible-looking thorax with the
 * structures a classifier could latch onto, and pneumonia-like opacities that are sometimes
 * faint and small (so the task is not trivially separable).
 *
 * Structures (see docs/imaging.md, "Chest X-ray generator"):
 *  - body: soft-tissue ellipse, brighter where the patient is thicker (centre), falling off laterally;
 *  - lung fields: two dark ellipses, medially flattened, cut below by the diaphragm domes
 *    (the left dome lower than the right), with faint vascular markings radiating from the hila;
 *  - mediastinum and heart shadow (the heart bulging into the left lung field), spine;
 *  - posterior ribs (curved bands, 9 per side) and clavicles (oblique bars);
 *  - abdomen below the diaphragm (soft tissue, no air).
 *  - opacity (positive label): 'patchy' (3–7 small blobs) or 'consolidation' (1–2 large
 *    dense blobs) in one lung field, modulated by smooth texture, confined to the lung.
 */
export interface ChestPatient {
  readonly shift: [number, number];
  readonly rotation: number;
  readonly scale: number;
  readonly bodyWidth: number;
  readonly lung: { cx: number; cy: number; rx: number; ry: number };
  readonly heart: { cx: number; cy: number; rx: number; ry: number };
  readonly domes: { right: number; left: number; amplitude: number };
  readonly ribSpacing: number;
  readonly ribStart: number;
  /** Vessel markings: angle and length per side. */
  readonly vessels: { side: -1 | 1; angle: number; length: number; weight: number }[];
  readonly opacity?: Opacity;
  /** Smooth texture field (value noise) on a TEXTURE×TEXTURE grid, values in [0, 1). */
  readonly texture: Float32Array;
}

export interface Opacity {
  readonly kind: 'patchy' | 'consolidation';
  /** -1: right lung (image left), +1: left lung (image right). */
  readonly side: -1 | 1;
  /** Peak added attenuation, before texture. */
  readonly density: number;
  readonly blobs: { cx: number; cy: number; r: number; w: number }[];
}

const TEXTURE = 24;

/** A random patient; `withOpacity` adds a pneumonia-like opacity. */
export function samplePatient(rng: Rng, withOpacity: boolean): ChestPatient {
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const lung = { cx: u(0.36, 0.42), cy: u(-0.16, -0.1), rx: u(0.22, 0.27), ry: u(0.48, 0.56) };
  const heart = { cx: u(0.1, 0.16), cy: u(0.12, 0.2), rx: u(0.26, 0.32), ry: u(0.2, 0.25) };
  const vessels: ChestPatient['vessels'] = [];
  for (const side of [-1, 1] as const) {
    for (let i = 0; i < 7; i++) vessels.push({ side, angle: u(-1.2, 1.1), length: u(0.18, 0.4), weight: u(0.5, 1) });
  }
  const rightDome = u(0.38, 0.46);
  const domes = { right: rightDome, left: rightDome + u(0.02, 0.06), amplitude: u(0.1, 0.16) };
  const texture = new Float32Array(TEXTURE * TEXTURE);
  for (let i = 0; i < texture.length; i++) texture[i] = rng.uniform();
  const patient: ChestPatient = {
    shift: [rng.normal() * 0.025, rng.normal() * 0.025],
    rotation: rng.normal() * 0.035,
    scale: u(0.93, 1.05),
    bodyWidth: u(0.82, 0.95),
    lung,
    heart,
    domes,
    ribSpacing: u(0.1, 0.12),
    ribStart: u(-0.72, -0.66),
    vessels,
    texture,
  };
  if (!withOpacity) return patient;
  const side: -1 | 1 = rng.uniform() < 0.5 ? -1 : 1;
  const kind = rng.uniform() < 0.5 ? 'patchy' : 'consolidation';
  const centre = { x: side * lung.cx + u(-0.08, 0.08), y: lung.cy + u(-0.15, 0.35) };
  const blobs: Opacity['blobs'] = [];
  const n = kind === 'patchy' ? 3 + rng.int(5) : 1 + rng.int(2);
  for (let i = 0; i < n; i++) {
    const r = kind === 'patchy' ? u(0.035, 0.085) : u(0.1, 0.2);
    const spread = kind === 'patchy' ? 0.14 : 0.06;
    blobs.push({ cx: centre.x + rng.normal() * spread, cy: centre.y + rng.normal() * spread, r, w: u(0.6, 1) });
  }
  const density = kind === 'patchy' ? u(0.05, 0.16) : u(0.08, 0.22);
  return { ...patient, opacity: { kind, side, density, blobs } };
}

/** Logistic step: ≈1 where d ≪ 0, ≈0 where d ≫ 0, width w. */
function inside(d: number, w: number): number {
  return 1 / (1 + Math.exp(d / w));
}

/** Implicit ellipse value: < 1 inside. */
function ell(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  return Math.sqrt(dx * dx + dy * dy);
}

function textureAt(t: Float32Array, x: number, y: number): number {
  const gx = ((x + 1) / 2) * (TEXTURE - 1);
  const gy = ((y + 1) / 2) * (TEXTURE - 1);
  const x0 = Math.max(0, Math.min(TEXTURE - 2, Math.floor(gx)));
  const y0 = Math.max(0, Math.min(TEXTURE - 2, Math.floor(gy)));
  const fx = Math.max(0, Math.min(1, gx - x0));
  const fy = Math.max(0, Math.min(1, gy - y0));
  const a = t[y0 * TEXTURE + x0] * (1 - fx) + t[y0 * TEXTURE + x0 + 1] * fx;
  const b = t[(y0 + 1) * TEXTURE + x0] * (1 - fx) + t[(y0 + 1) * TEXTURE + x0 + 1] * fx;
  return a * (1 - fy) + b * fy;
}

/** Distance from (x, y) to the segment a→b. */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
  const dx = x - ax - t * vx;
  const dy = y - ay - t * vy;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Lung-field membership in [0, 1] at (x, y) in patient coordinates. */
function lungMask(p: ChestPatient, x: number, y: number, edge: number): number {
  const side = x < 0 ? -1 : 1;
  const l = p.lung;
  const apex = l.cy - l.ry;
  // Bell-shaped field: narrow rounded apex, widest at the base; the medial border runs straighter.
  const t = Math.min(1, Math.max(0, (y - apex) / (2 * l.ry)));
  const half = l.rx * Math.pow(t, 0.35);
  const lateral = side * x - l.cx;
  const d = lateral > 0 ? lateral - half : -lateral - half * 0.85;
  const dome = side < 0 ? p.domes.right : p.domes.left;
  const domeY = dome - p.domes.amplitude * Math.cos(Math.min(1, Math.abs(side * x - l.cx * 0.9) / (l.rx * 1.2)) * (Math.PI / 2));
  return inside(d, edge * 2) * inside(apex - y, edge * 3) * inside(y - domeY, edge);
}

/** Attenuation at (u, v) ∈ [-1, 1]² (image coordinates). Typical range 0 … 1. */
export function attenuationAt(p: ChestPatient, u: number, v: number, edge = 0.012): number {
  // Image → patient coordinates: undo shift, rotation, scale.
  const c = Math.cos(p.rotation);
  const s = Math.sin(p.rotation);
  const ux = (u - p.shift[0]) / p.scale;
  const vy = (v - p.shift[1]) / p.scale;
  const x = c * ux + s * vy;
  const y = -s * ux + c * vy;

  // Torso: a rounded rectangle (superellipse) with the neck above it.
  const bx = x / p.bodyWidth;
  const by = (y - 0.2) / 1.1;
  const torso = inside(Math.pow(bx ** 4 + by ** 4, 0.25) - 1, edge * 2) * inside(-(y + 0.78), edge * 3);
  const neck = inside(Math.abs(x) - 0.2, edge * 2);
  const body = Math.max(torso, 0.75 * neck);
  const thickness = Math.sqrt(Math.max(0, 1 - Math.min(1, Math.abs(bx)) ** 2));
  let a = body * (0.3 + 0.3 * thickness);

  // The heart lies in front of the medial lung: where it overlaps, little of the lung shows.
  const heart = inside(ell(x, y, p.heart.cx, p.heart.cy, p.heart.rx, p.heart.ry) - 1, edge * 3);
  const lung = lungMask(p, x, y, edge) * (1 - 0.75 * heart);
  a -= 0.3 * lung;

  // Vascular markings: thin branches from each hilum, fading outwards.
  let vessels = 0;
  for (const vs of lung > 1e-3 ? p.vessels : []) {
    const hx = vs.side * 0.17;
    const hy = p.lung.cy + 0.08;
    const bx = hx + vs.side * Math.cos(vs.angle) * vs.length;
    const by = hy + Math.sin(vs.angle) * vs.length;
    const d = segmentDistance(x, y, hx, hy, bx, by);
    const r = Math.hypot(x - hx, y - hy);
    vessels += vs.weight * Math.exp(-(d * d) / (2 * 0.008 * 0.008)) * Math.exp(-r / 0.25);
  }
  a += 0.05 * Math.min(1.5, vessels) * lung;

  // Mediastinum, spine and heart.
  const mediastinum = inside(Math.abs(x - 0.01) - 0.11, edge * 1.5) * inside(-(y + 0.85), edge * 2) * inside(y - 0.45, edge * 2);
  a += 0.08 * Math.max(mediastinum, heart);
  a += 0.04 * inside(Math.abs(x) - 0.05, edge) * body;

  // Posterior ribs: bands running laterally from the spine, curving down towards the chest wall.
  const ax = Math.abs(x);
  if (ax > 0.05 && ax < p.bodyWidth) {
    let ribs = 0;
    const r = ax - 0.05;
    const bend = -0.08 * Math.sin(r * 4) + 0.55 * r * r;
    // Only the ribs next to this point can cover it.
    const nearest = Math.round((y - bend - p.ribStart) / p.ribSpacing);
    for (let k = Math.max(0, nearest - 1); k <= Math.min(8, nearest + 1); k++) {
      const curve = p.ribStart + k * p.ribSpacing + bend;
      const width = 0.016 + 0.003 * k;
      ribs += inside(Math.abs(y - curve) - width, edge * 0.6);
    }
    a += 0.07 * Math.min(1, ribs) * torso * (0.5 + 0.5 * Math.min(1, r / 0.25));
  }

  // Clavicles: oblique bars from the sternal notch to the shoulders.
  for (const side of [-1, 1]) {
    const d = segmentDistance(x, y, side * 0.07, -0.66, side * 0.6, -0.78);
    a += 0.1 * inside(d - 0.028, edge * 0.8);
  }

  // Pneumonia-like opacity, confined to its lung field, with texture.
  if (p.opacity && lung > 1e-3) {
    let blob = 0;
    for (const b of p.opacity.blobs) {
      const r2 = (x - b.cx) ** 2 + (y - b.cy) ** 2;
      blob += b.w * Math.exp(-r2 / (2 * b.r * b.r));
    }
    const sideMask = p.opacity.side * x > 0 ? 1 : 0;
    const tex = 0.5 + textureAt(p.texture, x * 2.2, y * 2.2);
    a += p.opacity.density * Math.min(1.3, blob) * tex * lung * sideMask;
  }
  return a;
}

/** The attenuation map of `p` at `size`×`size` pixels, row-major. */
export function renderAttenuation(p: ChestPatient, size: number): Float32Array {
  const out = new Float32Array(size * size);
  const edge = Math.max(0.006, 1.5 / size);
  for (let i = 0; i < size; i++) {
    const v = ((i + 0.5) / size) * 2 - 1;
    for (let j = 0; j < size; j++) {
      const u = ((j + 0.5) / size) * 2 - 1;
      out[i * size + j] = attenuationAt(p, u, v, edge);
    }
  }
  return out;
}
