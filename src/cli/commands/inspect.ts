import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeSafetensors } from '../../core/safetensors.js';
import { parameterCount } from '../../core/tensors.js';
import { bytesSha256 } from '../../core/weights-hash.js';

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('Show the tensors of a safetensors file (a checkpoint or a model update): names, shapes, sha256')
    .argument('<file>', '.safetensors file')
    .action((file: string) => {
      const bytes = new Uint8Array(readFileSync(file));
      const f = decodeSafetensors(bytes, file);
      process.stdout.write(`${file}: ${f.tensors.size} tensors, ${parameterCount(f.tensors)} values, sha256 ${bytesSha256(bytes)}\n`);
      for (const [name, t] of f.tensors) process.stdout.write(`  ${name.padEnd(28)} [${t.shape.join(', ')}]\n`);
      for (const [name, dtype] of Object.entries(f.skipped)) process.stdout.write(`  ${name.padEnd(28)} ${dtype} (not a float tensor)\n`);
      for (const [k, v] of Object.entries(f.metadata)) process.stdout.write(`  metadata ${k} = ${v}\n`);
    });
}
