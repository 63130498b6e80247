// Runs every compiled test file (dist/test/**/*.test.js) with Node's built-in test runner.
// Files are listed explicitly so the same command works on Node 20, 22 and 24.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = 'dist/test';
if (!existsSync(root)) {
  console.error(`no compiled tests under ${root}: run "npm run build" first`);
  process.exit(1);
}
const filter = process.argv[2];
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (!filter || p.includes(filter))) files.push(p);
  }
})(root);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
