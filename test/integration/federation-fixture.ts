import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { writeAuditKeyPair } from '../../src/node/audit-keys.js';
import { sitePolicyYaml, type SitePolicy } from '../../src/pki/policy-template.js';
import type { StartupKit } from '../../src/pki/startup-kit.js';
import { heartCsv, siteRows } from '../coordinator/helpers.js';
import { makeTestPki, type TestPki } from '../transport/fixture.js';

export interface Federation {
  readonly pki: TestPki;
  readonly work: string;
  readonly coordinatorKit: string;
  readonly coordinatorData: string;
  /** Folder of a kit that pairs another CA's site certificate with this project's CA (an impostor). */
  readonly foreignKitDir: string;
  siteConfig(site: string, kitDir: string, port: number): string;
  policyFile(site: string): string;
  writePolicy(site: string, change: Partial<SitePolicy>): void;
}

function writeKitDir(dir: string, kit: StartupKit): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'cert.pem'), kit.certPem);
  writeFileSync(join(dir, 'key.pem'), kit.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.pem'), kit.caPem);
  writeFileSync(join(dir, 'kit.json'), JSON.stringify(kit.manifest));
  if (kit.policyYaml) writeFileSync(join(dir, 'policy.yaml'), kit.policyYaml);
}

/** A provisioned project with site-1..3 (+ expired, revoked) and per-site folders (policy, audit key, data). */
export async function makeFederation(): Promise<Federation> {
  const pki = await makeTestPki(['site-1', 'site-2', 'site-3']);
  const work = mkdtempSync(join(tmpdir(), 'medfed-int-'));
  const foreignKitDir = join(work, 'foreign-kit');
  writeKitDir(foreignKitDir, pki.foreignSite);
  const policyFile = (site: string) => join(work, site, 'policy.yaml');
  const fed: Federation = {
    pki,
    work,
    coordinatorKit: join(pki.dir, 'coordinator'),
    coordinatorData: join(work, 'coordinator'),
    foreignKitDir,
    policyFile,
    writePolicy(site, change) {
      const current = parseYaml(readFileSync(policyFile(site), 'utf8')) as SitePolicy;
      writeFileSync(policyFile(site), sitePolicyYaml({ ...current, ...change }));
    },
    siteConfig(site, kitDir, port) {
      const dir = join(work, site);
      const file = join(dir, 'site.yaml');
      if (existsSync(file)) return file; // a restarted site keeps its config, key, policy and state
      mkdirSync(dir, { recursive: true });
      const keys = writeAuditKeyPair(join(dir, 'keys'), site);
      copyFileSync(join(kitDir, 'policy.yaml'), policyFile(site));
      const rows = siteRows.get(site);
      writeFileSync(
        file,
        stringify({
          kit: kitDir,
          coordinator: `127.0.0.1:${port}`,
          policy: policyFile(site),
          dataDir: join(dir, 'data'),
          audit: { log: join(dir, 'audit.jsonl'), key: keys.privateKeyPath },
          engine: 'tfjs-wasm',
          datasets: { heart: { file: heartCsv, ...(rows ? { rows: [...rows] } : {}) } },
          heartbeat: { intervalMs: 200, timeoutMs: 3000 },
          reconnect: { initialMs: 100, maxMs: 500 },
        }),
      );
      return file;
    },
  };
  return fed;
}

/** The audit events of a JSONL log (written by another process). */
export function auditEvents(path: string): Array<Record<string, unknown> & { kind: string }> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (JSON.parse(l) as { event: Record<string, unknown> & { kind: string } }).event);
}
