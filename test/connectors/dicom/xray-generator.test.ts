import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDicomImage, type DicomImage } from '../../../src/connectors/dicom/index.js';
import { readDicomFile } from '../../../src/connectors/dicom/read-file.js';
import { Rng } from '../../../src/core/random.js';
import { samplePatient } from '../../../src/imaging/chest-xray-phantom.js';
import { acquireXray, generateXraySite, xrayProfileFor, XRAY_SITE_PROFILES } from '../../../src/imaging/xray-acquisition.js';
import { preprocessDicomImage } from '../../../src/imaging/preprocess.js';
import { readImageManifest } from '../../../src/node/dicom-image-site-data.js';
import { writeXrayDataset } from '../../../src/node/xray-dataset-files.js';

test('X-ray generator: the same seed writes the same DICOM bytes; another seed other images', () => {
  const a = [...generateXraySite({ siteId: 's', siteIndex: 1, count: 3, seed: 5 })];
  const b = [...generateXraySite({ siteId: 's', siteIndex: 1, count: 3, seed: 5 })];
  const c = [...generateXraySite({ siteId: 's', siteIndex: 1, count: 3, seed: 6 })];
  assert.equal(a.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(a[i].bytes, b[i].bytes);
    assert.equal(a[i].fileName, b[i].fileName);
    assert.notDeepEqual(a[i].bytes, c[i].bytes);
  }
  assert.deepEqual(
    a.map((x) => x.label),
    b.map((x) => x.label),
  );
});

test('X-ray generator: label prevalence per site is exact, positives carry an opacity', () => {
  for (const siteIndex of [0, 2]) {
    const images = [...generateXraySite({ siteId: 's', siteIndex, count: 10, seed: 1 })];
    const positives = images.filter((x) => x.label === 1);
    assert.equal(positives.length, Math.round(10 * xrayProfileFor(siteIndex).prevalence));
    for (const x of images) assert.equal(x.finding === 'none', x.label === 0);
  }
});

test('generated files read back through the DICOM connector: modality values = stored × slope + intercept', () => {
  for (const siteIndex of [0, 1, 2, 3]) {
    const profile = xrayProfileFor(siteIndex);
    const [img] = [...generateXraySite({ siteId: 'x', siteIndex, count: 1, seed: 9 })];
    const read = parseDicomImage(img.bytes, img.fileName);
    // The stored values, recomputed independently with the generator's seeded stream.
    const rng = Rng.derive(9, 'xray-image', siteIndex, 0);
    const stored = acquireXray(samplePatient(rng, img.label === 1), profile, rng);
    assert.equal(read.rows, profile.size);
    assert.equal(read.columns, profile.size);
    assert.equal(read.meta.bitsStored, profile.bitsStored);
    assert.equal(read.meta.rescaleSlope, profile.rescaleSlope);
    assert.equal(read.meta.rescaleIntercept, profile.rescaleIntercept);
    let maxStored = 0;
    for (let i = 0; i < stored.length; i++) {
      assert.equal(read.pixels[i], Math.fround(stored[i] * profile.rescaleSlope + profile.rescaleIntercept), `site ${siteIndex} pixel ${i}`);
      maxStored = Math.max(maxStored, stored[i]);
    }
    assert.ok(maxStored < 2 ** profile.bitsStored && maxStored > 2 ** (profile.bitsStored - 2), `stored values use the ${profile.bitsStored}-bit range`);
  }
});

test('MONOCHROME1 and MONOCHROME2 sites display alike: lungs dark, mediastinum and abdomen bright', () => {
  const photometrics = new Set<string>();
  for (const siteIndex of [0, 1, 2, 3]) {
    const [img] = [...generateXraySite({ siteId: 'x', siteIndex, count: 1, seed: 3 })];
    const read = parseDicomImage(img.bytes, img.fileName);
    photometrics.add(read.meta.photometricInterpretation);
    const x = preprocessDicomImage(read, { size: [32, 32], window: 'file', normalize: 'none' }, img.fileName);
    const at = (u: number, v: number) => x[Math.floor(((v + 1) / 2) * 32) * 32 + Math.floor(((u + 1) / 2) * 32)];
    const lungs = (at(-0.42, -0.1) + at(0.42, -0.1)) / 2;
    assert.ok(at(0, -0.3) > lungs + 0.1, `site ${siteIndex}: mediastinum ${at(0, -0.3)} vs lungs ${lungs}`);
    assert.ok(at(-0.3, 0.8) > lungs + 0.1, `site ${siteIndex}: abdomen ${at(-0.3, 0.8)} vs lungs ${lungs}`);
  }
  assert.deepEqual([...photometrics].sort(), ['MONOCHROME1', 'MONOCHROME2']);
});

test('medfed imaging generate-xray output: per-site folders, manifests and scanner differences in the tags', async () => {
  const out = mkdtempSync(join(tmpdir(), 'medfed-xray-'));
  const sites = await writeXrayDataset(out, { sites: 4, perSite: 2, seed: 4 });
  assert.deepEqual(
    sites.map((s) => s.siteId),
    ['site-1', 'site-2', 'site-3', 'site-4'],
  );
  const metas: DicomImage[] = [];
  for (const s of sites) {
    const manifest = await readImageManifest(join(s.dir, 'manifest.csv'));
    assert.deepEqual(
      manifest.map((m) => m.file),
      ['img-0001.dcm', 'img-0002.dcm'],
    );
    assert.ok(readdirSync(s.dir).includes('generator.json'));
    const im = await readDicomFile(join(s.dir, manifest[0].file));
    metas.push(im);
    assert.equal(im.meta.patientId, `${s.siteId}-0001`);
    assert.equal(im.meta.spacingSource, 'PixelSpacing');
    assert.ok(Math.abs(im.spacing[0] - s.profile.fovMm / s.profile.size) < 1e-3);
  }
  const distinct = (f: (m: DicomImage) => unknown) => new Set(metas.map(f)).size;
  assert.equal(distinct((m) => m.meta.manufacturer), 4);
  assert.equal(distinct((m) => m.meta.manufacturerModelName), 4);
  assert.equal(distinct((m) => m.meta.institutionName), 4);
  assert.equal(distinct((m) => m.rows), 3); // 160, 128, 96, 128
  assert.equal(distinct((m) => m.meta.bitsStored), 3); // 14, 12, 16
  assert.equal(distinct((m) => m.meta.photometricInterpretation), 2);
  assert.equal(distinct((m) => m.meta.modality), 2);
  assert.deepEqual(new Set(metas.map((m) => m.meta.sopClassUid)), new Set(['1.2.840.10008.5.1.4.1.1.1.1', '1.2.840.10008.5.1.4.1.1.1'])); // DX, CR
  assert.equal(distinct((m) => m.meta.transferSyntax), 2);
  assert.equal(XRAY_SITE_PROFILES.length, 4);
  // Deterministic on disk too: a second dataset with the same seed has the same bytes.
  const again = mkdtempSync(join(tmpdir(), 'medfed-xray-'));
  await writeXrayDataset(again, { sites: 1, perSite: 2, seed: 4 });
  for (const f of ['img-0001.dcm', 'img-0002.dcm', 'manifest.csv', 'generator.json']) {
    assert.deepEqual(readFileSync(join(again, 'site-1', f)), readFileSync(join(out, 'site-1', f)), f);
  }
});
