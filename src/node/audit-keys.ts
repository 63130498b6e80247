import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { generateAuditKeyPair, parseAuditPrivateKey, parseAuditPublicKeys, type AuditPublicKeys } from '../audit/keys.js';

/** File names keygen writes in its output folder. */
export const auditKeyFiles = {
  privateKey: (node: string) => `${node}.audit-key`,
  publicKey: (node: string) => `${node}.audit-pub`,
  registry: 'audit-keys.json',
};

/** Read a node's private key file (64 hex characters); refuses a file others can read. */
export function readAuditPrivateKeyFile(path: string): Uint8Array {
  const text = readOrFail(path, 'audit private key');
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `audit private key ${path} can be read by other users`, {
      where: path, hint: `run "chmod 600 ${path}"`,
    });
  }
  return parseAuditPrivateKey(text, path);
}

/** Read a key registry (JSON or YAML): { "node id": "public key hex", … }. */
export function readAuditPublicKeysFile(path: string): AuditPublicKeys {
  const text = readOrFail(path, 'audit key registry');
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `audit key registry ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`, { where: path, cause: e });
  }
  return parseAuditPublicKeys(data, path);
}

export interface WrittenAuditKeys {
  privateKeyPath: string;
  publicKeyPath: string;
  registryPath: string;
  publicKey: string;
}

/**
 * Create a node's key pair in `dir`: `<node>.audit-key` (private, mode 0600, never
 * overwritten), `<node>.audit-pub` (public key hex) and the node's line in `audit-keys.json`.
 */
export function writeAuditKeyPair(dir: string, node: string): WrittenAuditKeys {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(node)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `node id "${node}" cannot name a key file`, { where: '--node', hint: 'use letters, digits, ".", "_" and "-"' });
  }
  mkdirSync(dir, { recursive: true });
  const privateKeyPath = join(dir, auditKeyFiles.privateKey(node));
  const publicKeyPath = join(dir, auditKeyFiles.publicKey(node));
  const registryPath = join(dir, auditKeyFiles.registry);
  const registry = existsSync(registryPath) ? Object.fromEntries(readAuditPublicKeysFile(registryPath)) : {};
  const { privateKey, publicKey } = generateAuditKeyPair();
  try {
    writeFileSync(privateKeyPath, `${Buffer.from(privateKey).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    const exists = (e as NodeJS.ErrnoException).code === 'EEXIST';
    throw new MedfedError(ErrorCodes.OUTPUT_FAILURE, exists ? `${privateKeyPath} already exists; a key is never overwritten` : `cannot write ${privateKeyPath}: ${(e as Error).message}`, {
      where: privateKeyPath, hint: exists ? 'choose another --out folder, or move the old key away first' : 'check the folder and its permissions', cause: e,
    });
  }
  writeFileSync(publicKeyPath, `${publicKey}\n`);
  writeFileSync(registryPath, `${JSON.stringify({ ...registry, [node]: publicKey }, null, 2)}\n`);
  return { privateKeyPath, publicKeyPath, registryPath, publicKey };
}

function readOrFail(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.DATA_UNREADABLE, `cannot read ${what} ${path}: ${(e as Error).message}`, { where: path, hint: 'check the path', cause: e });
  }
}
