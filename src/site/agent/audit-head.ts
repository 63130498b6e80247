import { join } from 'node:path';
import { signAuditHead } from '../../audit/head-anchor.js';
import { ErrorCodes, MedfedError } from '../../core/errors.js';
import type { AuditHeadReply } from '../../core/messages.js';
import type { AuditLogWriter } from '../../node/audit-file.js';
import { importPrivateKeyPem, type CryptoKey } from '../../pki/keys.js';
import { kitFiles, type StartupKit } from '../../pki/startup-kit.js';

/**
 * The site agent's answer to an "audit-head" request: the seq and hash of the last entry of
 * its audit log, signed with the key of its certificate, for the coordinator to anchor
 * (docs/audit.md, *Anchoring*). The key is imported once, on the first request.
 */
export function auditHeadResponder(siteId: string, log: AuditLogWriter, kit: StartupKit): () => Promise<AuditHeadReply> {
  let key: Promise<CryptoKey> | null = null;
  return async () => {
    if (log.nextSeq === 0) {
      throw new MedfedError(ErrorCodes.CONFIG_INVALID, `site ${siteId}'s audit log ${log.path} is empty: there is no head to anchor yet`, {
        where: log.path, hint: 'the head is anchored after the site has written its first entry (job_approved)',
      });
    }
    key ??= importPrivateKeyPem(kit.keyPem, join(kit.dir, kitFiles.key));
    const head = await signAuditHead({ node: siteId, seq: log.nextSeq - 1, entrySha256: log.headHash }, await key);
    return { kind: 'audit-head', siteId, seq: head.seq, entrySha256: head.entrySha256, signature: head.signature };
  };
}
