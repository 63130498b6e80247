import type { Command } from 'commander';
import { writeXrayDataset } from '../../node/xray-dataset-files.js';

function wholeNumber(v: string): number {
  return /^-?\d+$/.test(v.trim()) ? Number.parseInt(v, 10) : Number.NaN;
}

export function registerImagingCommand(program: Command): void {
  const imaging = program.command('imaging').description('Imaging data tools (docs/imaging.md)');
  imaging
    .command('generate-xray')
    .description(
      'Write synthetic chest X-rays (with and without pneumonia-like opacities) as DICOM files, one folder per site with its own scanner (site-N/img-*.dcm, manifest.csv, generator.json)',
    )
    .option('--sites <n>', 'number of sites (site k uses acquisition profile (k-1) mod 4)', wholeNumber, 4)
    .requiredOption('--per-site <n>', 'images per site', wholeNumber)
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--seed <s>', 'seed: the same seed writes the same bytes', wholeNumber, 1)
    .action(async (opts: { sites: number; perSite: number; out: string; seed: number }) => {
      const started = Date.now();
      const sites = await writeXrayDataset(opts.out, { sites: opts.sites, perSite: opts.perSite, seed: opts.seed });
      for (const s of sites) {
        const p = s.profile;
        process.stdout.write(
          `${s.dir}: ${s.images} images, ${s.positives} with opacity · ${p.manufacturer} ${p.model} (${p.modality}, ${p.size}px, ${p.bitsStored}-bit, ${p.photometric})\n`,
        );
      }
      process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });
}
