import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes, MedfedError } from '../../src/core/errors.js';
import { formatImageManifest, parseImageManifest } from '../../src/imaging/image-manifest.js';
import { createDicomImagesSiteData } from '../../src/node/dicom-image-site-data.js';

test('parseImageManifest: header with file and label, extra columns, comments and blank lines', () => {
  const text = 'label,file,note\n# a comment\n1,a.dcm,x\n\n0,sub/b.dcm,y\n';
  assert.deepEqual(parseImageManifest(text, 'm.csv'), [
    { file: 'a.dcm', label: 1, line: 3 },
    { file: 'sub/b.dcm', label: 0, line: 5 },
  ]);
  const round = parseImageManifest(formatImageManifest([{ file: 'x.dcm', label: 2 }]), 'r.csv');
  assert.deepEqual(round, [{ file: 'x.dcm', label: 2, line: 2 }]);
});

test('parseImageManifest: each malformed line is DATA_INVALID naming the file and the line', () => {
  const cases: [string, RegExp, number][] = [
    ['file,label\na.dcm,1\nb.dcm\n', /m\.csv line 3: has 1 field\(s\), the header has 2/, 3],
    ['file,label\na.dcm,yes\n', /m\.csv line 2: label "yes" is not a class index/, 2],
    ['file,label\na.dcm,-1\n', /m\.csv line 2: label "-1"/, 2],
    ['file,label\na.dcm,1\n,0\n', /m\.csv line 3: the file name is empty/, 3],
    ['file,label\na.dcm,1\n\na.dcm,0\n', /m\.csv line 4: file "a\.dcm" is listed again \(first on line 2\)/, 4],
    ['name,class\na.dcm,1\n', /m\.csv line 1: the header is "name,class"/, 1],
    ['file,label\n"a,b.dcm",1\n', /m\.csv line 2: quoted fields are not supported/, 2],
  ];
  for (const [text, message, line] of cases) {
    assert.throws(
      () => parseImageManifest(text, 'm.csv'),
      (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_INVALID && message.test(e.message) && e.where === `m.csv:${line}`,
      text,
    );
  }
  assert.throws(() => parseImageManifest('\n\n', 'm.csv'), /m\.csv is empty/);
  assert.throws(() => parseImageManifest('file,label\n', 'm.csv'), /m\.csv lists no images/);
});

test('a site with a malformed manifest or a missing image fails with the manifest path and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medfed-manifest-'));
  const manifest = join(dir, 'manifest.csv');
  const config = { kind: 'dicom-images' as const, manifest, preprocessing: { size: [8, 8] as const, window: 'file' as const, normalize: 'zscore' as const }, numClasses: 2, testFraction: 0.25, seed: 1 };
  writeFileSync(manifest, 'file,label\nimg-0001.dcm,1\nimg-0002.dcm;0\n');
  await assert.rejects(createDicomImagesSiteData(config, 's'), (e: unknown) => e instanceof MedfedError && e.where === `${manifest}:3` && e.message.includes(`${manifest} line 3`));
  writeFileSync(manifest, 'file,label\nmissing.dcm,1\n');
  await assert.rejects(
    createDicomImagesSiteData(config, 's'),
    (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_UNREADABLE && e.message.includes(`${manifest} line 2`) && e.message.includes('missing.dcm'),
  );
  writeFileSync(manifest, 'file,label\nmissing.dcm,3\n');
  await assert.rejects(createDicomImagesSiteData(config, 's'), /line 2: label 3 is not below the study's 2 classes/);
  await assert.rejects(createDicomImagesSiteData({ ...config, manifest: join(dir, 'nope.csv') }, 's'), (e: unknown) => e instanceof MedfedError && e.code === ErrorCodes.DATA_UNREADABLE);
});
