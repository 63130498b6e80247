import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { formatImageManifest } from '../imaging/image-manifest.js';
import { generateXraySite, xrayProfileFor, type XraySiteProfile } from '../imaging/xray-acquisition.js';
import { writeFileAtomic } from './atomic-write.js';

/** The manifest every generated site folder holds (and the dicom-images data kind reads by default). */
export const MANIFEST_NAME = 'manifest.csv';
/** What a generated folder was made with; a folder without it is user data and never overwritten. */
export const GENERATOR_STAMP = 'generator.json';

export interface XraySiteFilesOptions {
  readonly siteId: string;
  /** 0-based: picks the acquisition profile (index mod 4) and seeds the patients. */
  readonly siteIndex: number;
  readonly perSite: number;
  readonly seed: number;
}

interface Stamp {
  generator: 'chest-xray';
  version: 1;
  siteId: string;
  siteIndex: number;
  perSite: number;
  seed: number;
  profile: XraySiteProfile;
}

export interface XraySiteFilesSummary {
  readonly siteId: string;
  readonly dir: string;
  readonly images: number;
  readonly positives: number;
  readonly profile: XraySiteProfile;
}

function stampOf(o: XraySiteFilesOptions): Stamp {
  return { generator: 'chest-xray', version: 1, siteId: o.siteId, siteIndex: o.siteIndex, perSite: o.perSite, seed: o.seed, profile: xrayProfileFor(o.siteIndex) };
}

/**
 * Writes one site's synthetic chest X-rays into `dir`: img-0001.dcm ..., manifest.csv
 * (file,label) and generator.json (the parameters and acquisition profile). The manifest and
 * stamp are written last, so an interrupted run leaves a folder that is generated again.
 */
export async function writeXraySiteFiles(dir: string, o: XraySiteFilesOptions): Promise<XraySiteFilesSummary> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot create the folder ${dir}: ${(e as Error).message}`, { where: dir, cause: e });
  }
  const entries: { file: string; label: number }[] = [];
  for (const img of generateXraySite({ siteId: o.siteId, siteIndex: o.siteIndex, count: o.perSite, seed: o.seed })) {
    const path = join(dir, img.fileName);
    try {
      await writeFile(path, img.bytes);
    } catch (e) {
      throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, `cannot write ${path}: ${(e as Error).message}`, { where: path, cause: e });
    }
    entries.push({ file: img.fileName, label: img.label });
  }
  const stamp = stampOf(o);
  writeFileAtomic(join(dir, GENERATOR_STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
  writeFileAtomic(join(dir, MANIFEST_NAME), formatImageManifest(entries));
  return { siteId: o.siteId, dir, images: entries.length, positives: entries.filter((e) => e.label === 1).length, profile: stamp.profile };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `cannot read ${path}: ${(e as Error).message}`, { where: path, cause: e });
  }
}

/**
 * A site folder for a study spec's `generate:` block: generated when it has no manifest;
 * reused when it was generated with the same parameters; an error when it was generated with
 * other parameters (delete it to regenerate). A manifest without a stamp is the user's own
 * data and is used as is.
 */
export async function ensureXraySiteFiles(dir: string, o: XraySiteFilesOptions): Promise<'generated' | 'reused' | 'user data'> {
  const manifest = await readIfExists(join(dir, MANIFEST_NAME));
  if (manifest === undefined) {
    await writeXraySiteFiles(dir, o);
    return 'generated';
  }
  const stampText = await readIfExists(join(dir, GENERATOR_STAMP));
  if (stampText === undefined) return 'user data';
  const want = stampOf(o);
  let have: Partial<Stamp>;
  try {
    have = JSON.parse(stampText) as Partial<Stamp>;
  } catch {
    have = {};
  }
  const keys = ['generator', 'version', 'siteId', 'siteIndex', 'perSite', 'seed', 'profile'] as const;
  const differs = keys.filter((k) => JSON.stringify(have[k]) !== JSON.stringify(want[k]));
  if (differs.length > 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${dir} was generated with other parameters (${differs.join(', ')} differ from the study spec)`, {
      where: join(dir, GENERATOR_STAMP),
      hint: `delete ${dir} to generate it again with the spec's parameters`,
    });
  }
  return 'reused';
}

/** `medfed imaging generate-xray`: sites site-1 ... site-N under `out`. */
export async function writeXrayDataset(out: string, o: { sites: number; perSite: number; seed: number }): Promise<XraySiteFilesSummary[]> {
  if (!(Number.isInteger(o.sites) && o.sites >= 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--sites must be a positive whole number, got ${o.sites}`, { where: '--sites' });
  }
  if (!(Number.isInteger(o.perSite) && o.perSite >= 1)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--per-site must be a positive whole number, got ${o.perSite}`, { where: '--per-site' });
  }
  if (!Number.isInteger(o.seed)) throw new MedfedError(ErrorCodes.CONFIG_INVALID, `--seed must be a whole number, got ${o.seed}`, { where: '--seed' });
  const out_: XraySiteFilesSummary[] = [];
  for (let i = 0; i < o.sites; i++) {
    const siteId = `site-${i + 1}`;
    out_.push(await writeXraySiteFiles(join(out, siteId), { siteId, siteIndex: i, perSite: o.perSite, seed: o.seed }));
  }
  return out_;
}
