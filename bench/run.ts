import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cnn1dTrainBench } from './cnn1d-train.bench.js';
import { ckksBench } from './ckks.bench.js';
import { cnn2dTrainBench } from './cnn2d-train.bench.js';
import { cnn3dTrainBench } from './cnn3d-train.bench.js';
import { mlpTrainBench } from './mlp-train.bench.js';
import { gruTrainBench, lstmTrainBench } from './recurrent-train.bench.js';
import { nativeTrainBench } from './native-train.bench.js';
import { secaggBench } from './secagg.bench.js';
import { transferBench } from './transfer.bench.js';
import { printTable, writeResults, type BenchEntry, type Benchmark } from './result.js';

/** Every benchmark, in order; add new ones here (one file each). `node dist/bench/run.js [id-filter]`. */
const benchmarks: Benchmark[] = [mlpTrainBench, cnn2dTrainBench, nativeTrainBench, cnn1dTrainBench, cnn3dTrainBench, lstmTrainBench, gruTrainBench, transferBench, secaggBench, ckksBench];

const filter = process.argv[2];
const entries: BenchEntry[] = [];
// A filter naming one entry of a benchmark (native.train.lstm) runs that benchmark, which filters its entries.
for (const b of benchmarks.filter((b) => !filter || b.id.includes(filter) || filter.startsWith(`${b.id}.`))) {
  process.stderr.write(`running ${b.id} ...\n`);
  entries.push(...(await b.run()));
}
printTable(entries);
const out = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
// A filtered run replaces only its own figures; the others' stay as they were.
const kept = filter && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as BenchEntry[]).filter((e) => !entries.some((n) => n.id === e.id)) : [];
writeResults(out, [...kept, ...entries]);
console.log(`\nwrote ${out}`);
