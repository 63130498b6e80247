import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { formatZodIssues } from '../core/zod-errors.js';
import { makePrivateDir, writePublicFile, writeSecretFile } from './files.js';
import { roleNames, type MedfedRole } from './roles.js';

export const kitFormat = 'medfed-startup-kit/1';

/** File names inside every kit folder. */
export const kitFiles = {
  cert: 'cert.pem',
  key: 'key.pem',
  ca: 'ca.pem',
  crl: 'crl.pem',
  policy: 'policy.yaml',
  manifest: 'kit.json',
} as const;

const kitManifestSchema = z.strictObject({
  format: z.literal(kitFormat),
  project: z.string(),
  name: z.string(),
  role: z.enum(roleNames),
  site: z.string().optional(),
  serial: z.string(),
  notAfter: z.iso.datetime(),
  /** Where sites and users connect: the first host is the one to dial; all are in the server's SAN. */
  coordinator: z.strictObject({ name: z.string(), host: z.string(), hosts: z.array(z.string()), port: z.number().int() }),
});
export type KitManifest = z.output<typeof kitManifestSchema>;

export interface KitContents {
  readonly manifest: KitManifest;
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
  readonly crlPem?: string;
  readonly policyYaml?: string;
}

/** Write a kit folder (0700): key.pem 0600, everything else 0644. */
export function writeStartupKit(dir: string, kit: KitContents): void {
  makePrivateDir(dir);
  writeSecretFile(join(dir, kitFiles.key), kit.keyPem);
  writePublicFile(join(dir, kitFiles.cert), kit.certPem);
  writePublicFile(join(dir, kitFiles.ca), kit.caPem);
  if (kit.crlPem !== undefined) writePublicFile(join(dir, kitFiles.crl), kit.crlPem);
  if (kit.policyYaml !== undefined) writePublicFile(join(dir, kitFiles.policy), kit.policyYaml);
  writePublicFile(join(dir, kitFiles.manifest), `${JSON.stringify(kit.manifest, null, 2)}\n`);
}

/** What a node process needs from its kit to open mTLS connections (PEM text, ready for node:tls). */
export interface StartupKit extends KitContents {
  readonly dir: string;
  readonly identity: MedfedRole & { readonly name: string };
}

function readText(dir: string, name: string, optional: boolean): string | undefined {
  try {
    return readFileSync(join(dir, name), 'utf8');
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read ${name} from the startup kit: ${(e as Error).message}`, {
      where: join(dir, name),
      hint: 'pass the kit folder "medfed provision" wrote for this node',
      cause: e,
    });
  }
}

/** Read a startup kit folder (for the coordinator, a site agent or an admin client). */
export function readStartupKit(dir: string): StartupKit {
  const manifestText = readText(dir, kitFiles.manifest, false)!;
  let json: unknown;
  try {
    json = JSON.parse(manifestText);
  } catch (e) {
    throw new MedfedError(ErrorCodes.FORMAT_INVALID, `kit.json is not valid JSON: ${(e as Error).message}`, { where: join(dir, kitFiles.manifest) });
  }
  const r = kitManifestSchema.safeParse(json);
  if (!r.success) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `kit.json is damaged: ${formatZodIssues(r.error)}`, { where: join(dir, kitFiles.manifest) });
  const m = r.data;
  return {
    dir,
    manifest: m,
    identity: m.site === undefined ? { name: m.name, role: m.role } : { name: m.name, role: m.role, site: m.site },
    certPem: readText(dir, kitFiles.cert, false)!,
    keyPem: readText(dir, kitFiles.key, false)!,
    caPem: readText(dir, kitFiles.ca, false)!,
    crlPem: readText(dir, kitFiles.crl, true),
    policyYaml: readText(dir, kitFiles.policy, true),
  };
}
