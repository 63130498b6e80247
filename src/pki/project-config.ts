import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { parseYamlConfig } from '../core/yaml-config.js';
import { strategyNames } from '../strategies/registry.js';

/** Names that end up in certificate subjects, URI SANs and directory names: keep them plain. */
const nodeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');

const hostName = z.string().refine((h) => isIP(h) !== 0 || /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(h), {
  message: 'expected a DNS host name or an IPv4/IPv6 address',
});

export const userRoles = ['project-admin', 'site-admin', 'researcher'] as const;
export type UserRole = (typeof userRoles)[number];

const policyDefaultsSchema = z
  .strictObject({
    approval: z.enum(['manual', 'auto']).default('manual'),
    allowedStrategies: z.array(z.string().min(1)).optional(),
    mandatoryFilters: z.array(z.string().min(1)).default(['min-sample-count', 'update-norm-clip']),
    minSitesPerAggregate: z.number().int().min(1).default(3),
    minSamplesPerUpdate: z.number().int().min(1).default(20),
    privacyBudget: z
      .strictObject({ epsilon: z.number().positive().default(8), delta: z.number().positive().lt(1).default(1e-5) })
      .default({ epsilon: 8, delta: 1e-5 }),
  })
  .default({
    approval: 'manual',
    mandatoryFilters: ['min-sample-count', 'update-norm-clip'],
    minSitesPerAggregate: 3,
    minSamplesPerUpdate: 20,
    privacyBudget: { epsilon: 8, delta: 1e-5 },
  });

export const projectConfigSchema = z
  .strictObject({
    project: nodeName,
    validity: z
      .strictObject({
        caDays: z.number().int().min(1).max(36500).default(3650),
        certDays: z.number().int().min(1).max(36500).default(365),
        crlDays: z.number().int().min(1).max(3650).default(30),
      })
      .default({ caDays: 3650, certDays: 365, crlDays: 30 }),
    coordinator: z.strictObject({
      name: nodeName.default('coordinator'),
      hosts: z.array(hostName).min(1, 'list at least one host name or IP the sites will connect to'),
      port: z.number().int().min(1).max(65535).default(8443),
    }),
    sites: z.array(z.strictObject({ name: nodeName, org: z.string().min(1).optional() })).min(1, 'declare at least one site'),
    users: z
      .array(
        z.strictObject({
          email: z.email(),
          role: z.enum(userRoles),
          site: nodeName.optional(),
        }),
      )
      .default([]),
    policyDefaults: policyDefaultsSchema,
  })
  .superRefine((p, ctx) => {
    const siteNames = p.sites.map((s) => s.name);
    siteNames.forEach((n, i) => {
      if (siteNames.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['sites', i, 'name'], message: `site "${n}" is declared twice` });
      if (n === p.coordinator.name) ctx.addIssue({ code: 'custom', path: ['sites', i, 'name'], message: `a site cannot share the coordinator's name "${n}"` });
    });
    const emails = p.users.map((u) => u.email.toLowerCase());
    p.users.forEach((u, i) => {
      if (emails.indexOf(u.email.toLowerCase()) !== i) ctx.addIssue({ code: 'custom', path: ['users', i, 'email'], message: `user "${u.email}" is declared twice` });
      if (u.role === 'site-admin' && !u.site) ctx.addIssue({ code: 'custom', path: ['users', i, 'site'], message: 'a site-admin needs "site": the site they administer' });
      if (u.role === 'site-admin' && u.site && !siteNames.includes(u.site)) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'site'], message: `unknown site "${u.site}"; declared sites: ${siteNames.join(', ')}` });
      }
      if (u.role !== 'site-admin' && u.site) ctx.addIssue({ code: 'custom', path: ['users', i, 'site'], message: `only a site-admin has a "site" (this user is ${u.role})` });
    });
    const known = strategyNames();
    p.policyDefaults.allowedStrategies?.forEach((s, i) => {
      if (!known.includes(s)) ctx.addIssue({ code: 'custom', path: ['policyDefaults', 'allowedStrategies', i], message: `unknown strategy "${s}"; registered: ${known.join(', ')}` });
    });
  });

export type ProjectConfig = z.output<typeof projectConfigSchema>;
export type PolicyDefaults = ProjectConfig['policyDefaults'];

/** Parse and validate project.yaml text; errors are CONFIG_INVALID naming the path ("sites[1].name: ..."). */
export function parseProjectConfig(text: string, file = 'project.yaml'): ProjectConfig {
  return parseYamlConfig(text, file, projectConfigSchema, 'project file', 'see docs/provisioning.md for every field of project.yaml');
}

export function loadProjectConfig(file: string): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `cannot read the project file ${file}: ${(e as Error).message}`, { where: file, cause: e });
  }
  return parseProjectConfig(text, file);
}
