import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { formatZodIssues } from '../core/zod-errors.js';
import { revocationReasons } from './crl.js';
import { writePublicFile } from './files.js';
import { projectConfigSchema } from './project-config.js';
import { roleNames } from './roles.js';

export const stateFormat = 'medfed-provision-state/1';

const issuedRecordSchema = z.strictObject({
  serial: z.string().regex(/^[0-9a-f]+$/),
  kind: z.enum(['coordinator', 'site', 'user']),
  /** Subject CN: site or coordinator name, or the user's e-mail. */
  name: z.string().min(1),
  role: z.enum(roleNames),
  site: z.string().optional(),
  /** The kit folder, relative to the project folder. */
  kitDir: z.string(),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  /** SHA-256 of the certificate's DER, hex (the certificate's fingerprint). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['valid', 'revoked']),
  revokedAt: z.iso.datetime().optional(),
  reason: z.enum(Object.keys(revocationReasons) as [keyof typeof revocationReasons]).optional(),
  note: z.string().optional(),
});
export type IssuedRecord = z.output<typeof issuedRecordSchema>;

const projectShape = projectConfigSchema.shape;

const stateSchema = z.strictObject({
  format: z.literal(stateFormat),
  project: z.string(),
  createdAt: z.iso.datetime(),
  coordinator: projectShape.coordinator,
  validity: projectShape.validity,
  policyDefaults: projectShape.policyDefaults,
  /** The serial the next certificate gets (never reused, also after revocation). */
  nextSerial: z.number().int().min(1),
  /** The number the next CRL gets (RFC 5280 cRLNumber, strictly increasing). */
  nextCrlNumber: z.number().int().min(1),
  issued: z.array(issuedRecordSchema),
});
export type ProvisionState = z.output<typeof stateSchema>;

/** Where everything lives inside a provisioned project folder. */
export function projectPaths(dir: string) {
  return {
    state: join(dir, 'state.json'),
    caDir: join(dir, 'ca'),
    caCert: join(dir, 'ca', 'ca.pem'),
    caKey: join(dir, 'ca', 'ca.key'),
    crl: join(dir, 'ca', 'crl.pem'),
  };
}

export function readState(dir: string): ProvisionState {
  const file = projectPaths(dir).state;
  if (!existsSync(file)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `${dir} is not a provisioned medfed project (no state.json)`, {
      where: file,
      hint: 'pass the folder "medfed provision project.yaml --out DIR" created',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MedfedError(ErrorCodes.FORMAT_INVALID, `state.json is not valid JSON: ${(e as Error).message}`, { where: file, cause: e });
  }
  const r = stateSchema.safeParse(json);
  if (!r.success) throw new MedfedError(ErrorCodes.FORMAT_INVALID, `state.json is damaged: ${formatZodIssues(r.error)}`, { where: file });
  return r.data;
}

export function writeState(dir: string, state: ProvisionState): void {
  writePublicFile(projectPaths(dir).state, `${JSON.stringify(state, null, 2)}\n`);
}
