import assert from 'node:assert/strict';
import { test } from 'node:test';
import { psnr, ssim, type GreyImage } from '../../src/redteam/image-quality.js';
import { encodeGreyPng } from '../../src/redteam/png.js';

const img = (w: number, h: number, f: (x: number, y: number) => number): GreyImage => {
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = f(x, y);
  return { width: w, height: h, data };
};
const ramp = img(16, 16, (x, y) => (x + 2 * y) / 48);

test('SSIM of an image with itself is 1 and PSNR is infinite', () => {
  assert.ok(Math.abs(ssim(ramp, ramp) - 1) < 1e-12);
  assert.equal(psnr(ramp, ramp), Infinity);
});

test('SSIM of two constant images is the luminance term (2ab + C1) / (a² + b² + C1) (hand-checked)', () => {
  const a = img(12, 12, () => 0.5);
  const b = img(12, 12, () => 0.25);
  // C1 = (0.01)^2 = 1e-4; variances are 0 so the contrast-structure term is C2 / C2 = 1.
  const expected = (2 * 0.5 * 0.25 + 1e-4) / (0.25 + 0.0625 + 1e-4);
  assert.ok(Math.abs(ssim(a, b) - expected) < 1e-9);
  assert.ok(Math.abs(expected - 0.800064) < 1e-6);
});

test('SSIM of an image and its negative is strongly negative; a small shift keeps it high', () => {
  const neg = img(16, 16, (x, y) => 1 - (x + 2 * y) / 48);
  assert.ok(ssim(ramp, neg) < -0.5);
  const shifted = img(16, 16, (x, y) => (x + 2 * y) / 48 + 0.02);
  const s = ssim(ramp, shifted);
  assert.ok(s > 0.95 && s < 1, `got ${s}`);
});

test('PSNR of a uniform error of 0.1 is 20 dB; images smaller than the window are refused', () => {
  const shifted = img(16, 16, (x, y) => (x + 2 * y) / 48 + 0.1);
  assert.ok(Math.abs(psnr(ramp, shifted) - 20) < 1e-4);
  assert.throws(() => ssim(img(8, 8, () => 0), img(8, 8, () => 0)), /smaller than the 11x11 window/);
  assert.throws(() => ssim(ramp, img(12, 12, () => 0)), /differ in size/);
});

test('PNG encoder writes a valid header and the stored pixels', () => {
  const png = encodeGreyPng(img(2, 1, (x) => x), 1);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const idat = Buffer.from(png).indexOf('IDAT');
  // zlib header 78 01, stored block header (final, len 3), then filter byte 0 and pixels 0, 255.
  assert.deepEqual([...png.subarray(idat + 4, idat + 4 + 10)], [0x78, 0x01, 1, 3, 0, 0xfc, 0xff, 0, 0, 255]);
});
