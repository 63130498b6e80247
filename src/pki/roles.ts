import { ErrorCodes, MedfedError } from '../core/errors.js';

/**
 * Every medfed certificate carries its holder's role as a URI subject alternative name:
 *   medfed:role=site;site=hospital-a
 *   medfed:role=site-admin;site=hospital-a
 *   medfed:role=project-admin | medfed:role=researcher | medfed:role=coordinator
 * A URI SAN is readable by any X.509 tool (openssl, Node's X509Certificate.subjectAltName,
 * tls getPeerCertificate().subjectaltname) without a custom extension parser.
 */
export const roleNames = ['coordinator', 'site', 'project-admin', 'site-admin', 'researcher'] as const;
export type RoleName = (typeof roleNames)[number];

export interface MedfedRole {
  readonly role: RoleName;
  /** The site a `site` or `site-admin` certificate belongs to. */
  readonly site?: string;
}

const rolePrefix = 'medfed:';

/** The URI SAN value that encodes a role. */
export function roleUri(r: MedfedRole): string {
  const needsSite = r.role === 'site' || r.role === 'site-admin';
  if (needsSite !== (r.site !== undefined)) {
    throw new MedfedError(ErrorCodes.INTERNAL, `role ${r.role} ${needsSite ? 'needs' : 'takes no'} site`);
  }
  return `${rolePrefix}role=${r.role}${r.site !== undefined ? `;site=${r.site}` : ''}`;
}

/** Decode a URI SAN; null when it is not a well-formed medfed role. */
export function parseRoleUri(uri: string): MedfedRole | null {
  if (!uri.startsWith(rolePrefix)) return null;
  const fields = new Map<string, string>();
  for (const part of uri.slice(rolePrefix.length).split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || fields.has(part.slice(0, eq))) return null;
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const role = fields.get('role') as RoleName | undefined;
  if (!role || !roleNames.includes(role)) return null;
  const site = fields.get('site');
  const needsSite = role === 'site' || role === 'site-admin';
  if (needsSite !== (site !== undefined) || site === '' || fields.size !== (needsSite ? 2 : 1)) return null;
  return site === undefined ? { role } : { role, site };
}
