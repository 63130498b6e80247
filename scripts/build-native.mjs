#!/usr/bin/env node
// Builds medfed's native libtorch training engine (native/) with node-gyp when libtorch is found:
//   LIBTORCH=/path/to/libtorch       a libtorch distribution (include/, lib/), e.g. a CUDA build
//   LIBTORCH_USE_PYTORCH=1           the libtorch inside python3's installed PyTorch
//   otherwise                        Debian/Ubuntu's libtorch-dev (/usr/include/torch, /usr/lib/<arch>)
// Without libtorch it prints one line and exits 0, so `npm install` never fails; medfed then uses
// its TF.js engine. See docs/native-engine.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duringInstall = process.env.npm_lifecycle_event === 'install';

function unavailable(why) {
  console.log(`medfed: native libtorch engine unavailable (${why}); training uses the TF.js engine. See docs/native-engine.md.`);
  process.exit(0);
}

const hasHeaders = (inc) => existsSync(join(inc, 'torch/csrc/api/include/torch/torch.h'));
const hasLib = (lib) => existsSync(join(lib, 'libtorch.so')) || existsSync(join(lib, 'libtorch_cpu.so'));

/** { include, lib, cxx11abi, how } or a reason string. */
function findLibtorch() {
  if (process.env.LIBTORCH) {
    const base = process.env.LIBTORCH;
    const include = join(base, 'include');
    const lib = join(base, 'lib');
    if (!hasHeaders(include) || !hasLib(lib)) return `LIBTORCH=${base} has no include/torch/csrc/api/include/torch/torch.h or lib/libtorch.so`;
    let abi = 1;
    const cmake = join(base, 'share/cmake/Torch/TorchConfig.cmake');
    if (existsSync(cmake) && /_GLIBCXX_USE_CXX11_ABI=0/.test(readFileSync(cmake, 'utf8'))) abi = 0;
    return { include, lib, cxx11abi: abi, how: `LIBTORCH=${base}` };
  }
  if (process.env.LIBTORCH_USE_PYTORCH) {
    const py = spawnSync('python3', ['-c', 'import torch, os; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'], { encoding: 'utf8' });
    if (py.status !== 0) return `LIBTORCH_USE_PYTORCH is set but python3 cannot import torch`;
    const [dir, abi] = py.stdout.trim().split('\n');
    if (!hasHeaders(join(dir, 'include')) || !hasLib(join(dir, 'lib'))) return `PyTorch at ${dir} ships no C++ headers or libtorch`;
    return { include: join(dir, 'include'), lib: join(dir, 'lib'), cxx11abi: Number(abi), how: `PyTorch at ${dir}` };
  }
  if (!hasHeaders('/usr/include')) return 'no libtorch found: install Debian/Ubuntu libtorch-dev or set LIBTORCH';
  const libDirs = ['/usr/lib'].flatMap((d) => [d, ...readdirSync(d).filter((n) => n.endsWith('-linux-gnu')).map((n) => join(d, n))]);
  const lib = libDirs.find(hasLib);
  if (!lib) return 'libtorch headers are in /usr/include but libtorch.so is not in /usr/lib: install libtorch-dev';
  return { include: '/usr/include', lib, cxx11abi: 1, how: 'system libtorch-dev' };
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((p) => p && existsSync(p));
}

const found = findLibtorch();
if (typeof found === 'string') unavailable(found);
const gyp = findNodeGyp();
if (!gyp) unavailable('node-gyp not found (it ships with npm)');

const cuda = existsSync(join(found.lib, 'libtorch_cuda.so')) ? 1 : 0;
const args = [gyp, 'rebuild', '--directory', join(root, 'native'), '--jobs', 'max'];
if (!process.env.npm_config_nodedir && existsSync(join(dirname(process.execPath), '../include/node/node_api.h'))) {
  args.push(`--nodedir=${join(dirname(process.execPath), '..')}`);
}
args.push('--', `-Dlibtorch_include=${found.include}`, `-Dlibtorch_lib=${found.lib}`, `-Dlibtorch_cuda=${cuda}`, `-Dcxx11_abi=${found.cxx11abi}`);
console.log(`medfed: building the native libtorch engine against ${found.how}${cuda ? ' (CUDA)' : ''} ...`);
const t0 = Date.now();
const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (r.status !== 0) {
  console.log(`medfed: native libtorch engine build FAILED (node-gyp exit ${r.status}); training uses the TF.js engine.`);
  process.exit(duringInstall ? 0 : 1);
}
console.log(`medfed: native libtorch engine built in ${((Date.now() - t0) / 1000).toFixed(0)} s: native/build/Release/medfed_torch.node`);
