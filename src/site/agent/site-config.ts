import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import { parseYamlConfig } from '../../core/yaml-config.js';
import { kitFiles } from '../../pki/startup-kit.js';

/**
 * site.yaml: how a hospital runs its site agent (docs/deployment.md). Relative paths are taken
 * from the folder of site.yaml.
 */
const ms = z.number().int().positive();
const siteConfigSchema = z.strictObject({
  /** The site's startup kit folder (--kit overrides). */
  kit: z.string().min(1).optional(),
  /** host:port of the coordinator; default: the kit's. */
  coordinator: z.string().regex(/^[^\s:]+:\d+$/, 'host:port').optional(),
  /** The site policy; default: policy.yaml in the kit. */
  policy: z.string().min(1).optional(),
  /** The site's own state: approvals.json, privacy-ledger.json and per-job strategy state. */
  dataDir: z.string().min(1),
  audit: z.strictObject({
    /** The site's audit log (JSONL, appended). */
    log: z.string().min(1),
    /** The site's Ed25519 audit key (medfed audit keygen). */
    key: z.string().min(1),
  }),
  engine: z.string().default('tfjs-wasm'),
  /** Data set names (as jobs name them) → this site's own CSV file. */
  datasets: z.record(
    z.string().min(1),
    z.strictObject({ file: z.string().min(1), rows: z.array(z.number().int().nonnegative()).optional(), minK: z.number().int().positive().optional() }),
  ),
  heartbeat: z.strictObject({ intervalMs: ms, timeoutMs: ms }).default({ intervalMs: 5_000, timeoutMs: 20_000 }),
  reconnect: z.strictObject({ initialMs: ms, maxMs: ms }).default({ initialMs: 500, maxMs: 30_000 }),
});

export interface SiteAgentConfig {
  readonly file: string;
  readonly kitDir: string;
  readonly coordinator?: string;
  readonly policyFile: string;
  readonly dataDir: string;
  readonly approvalsFile: string;
  /** The site's privacy budget ledger (DATA_DIR/privacy-ledger.json). */
  readonly ledgerFile: string;
  readonly stateDir: string;
  readonly auditLog: string;
  readonly auditKey: string;
  readonly engine: string;
  readonly datasets: Readonly<Record<string, { file: string; rows?: readonly number[]; minK?: number }>>;
  readonly heartbeat: { intervalMs: number; timeoutMs: number };
  readonly reconnect: { initialMs: number; maxMs: number };
}

/** `needKit` false: for commands that do not connect (approve), a missing kit is no error. */
export function loadSiteConfig(file: string, kitOverride?: string, needKit = true): SiteAgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read the site configuration ${file}: ${(e as Error).message}`, { where: file, cause: e });
  }
  const c = parseYamlConfig(text, file, siteConfigSchema, 'site configuration', 'see docs/deployment.md for every field of site.yaml');
  const base = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const kit = kitOverride ? resolve(kitOverride) : c.kit ? at(c.kit) : undefined;
  if (!kit && needKit) throw new MedfedError(ErrorCodes.CONFIG_INVALID, 'no startup kit given', { where: `${file}: kit`, hint: 'pass --kit DIR or set "kit" in site.yaml' });
  const dataDir = at(c.dataDir);
  return {
    file,
    kitDir: kit ?? '',
    coordinator: c.coordinator,
    policyFile: c.policy ? at(c.policy) : join(kit ?? '', kitFiles.policy),
    dataDir,
    approvalsFile: join(dataDir, 'approvals.json'),
    ledgerFile: join(dataDir, 'privacy-ledger.json'),
    stateDir: join(dataDir, 'job-state'),
    auditLog: at(c.audit.log),
    auditKey: at(c.audit.key),
    engine: c.engine,
    datasets: Object.fromEntries(Object.entries(c.datasets).map(([k, d]) => [k, { ...d, file: at(d.file) }])),
    heartbeat: c.heartbeat,
    reconnect: c.reconnect,
  };
}
