import type { z } from 'zod';
import { ErrorCodes, MedfedError } from '../core/errors.js';
import { dpFedavg } from './dp-fedavg.js';
import { fedadagrad } from './fedadagrad.js';
import { fedadam } from './fedadam.js';
import { fedavg } from './fedavg.js';
import { fedbn } from './fedbn.js';
import { fedper } from './fedper.js';
import { fedprox } from './fedprox.js';
import { fedyogi } from './fedyogi.js';
import { localOnly } from './local-only.js';
import { optionIssues } from './option-issues.js';
import { krum, median, multiKrum, normBound, trimmedMean } from './robust.js';
import { scaffold } from './scaffold.js';
import type { StrategyPlugin } from './strategy.js';

const plugins = new Map<string, StrategyPlugin>();

/** Add a strategy plug-in (the built-ins are registered on import). Names are unique. */
export function registerStrategy(plugin: StrategyPlugin): void {
  if (plugins.has(plugin.name)) {
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `a strategy named "${plugin.name}" is already registered`, {
      hint: 'give the plug-in another name',
    });
  }
  plugins.set(plugin.name, plugin);
}

for (const p of [fedavg, fedprox, scaffold, fedadam, fedyogi, fedadagrad, fedbn, localOnly] as StrategyPlugin[]) registerStrategy(p);
registerStrategy(fedper as StrategyPlugin);
for (const p of [median, trimmedMean, krum, multiKrum, normBound] as StrategyPlugin[]) registerStrategy(p);
registerStrategy(dpFedavg as StrategyPlugin);

/** The plug-in registered as `name`; UNKNOWN_NAME lists the registered names. */
export function getStrategy(name: string, where?: string): StrategyPlugin {
  const p = plugins.get(name);
  if (!p) {
    throw new MedfedError(ErrorCodes.UNKNOWN_NAME, `unknown strategy "${name}"; registered strategies: ${strategyNames().join(', ')}`, {
      where,
      hint: 'pick one of the registered strategies (see docs/strategies.md)',
    });
  }
  return p;
}

/** Registered plug-ins sorted by name (for listings: name and description). */
export function listStrategies(): StrategyPlugin[] {
  return strategyNames().map((n) => plugins.get(n)!);
}

/** Registered strategy names, sorted. */
export function strategyNames(): string[] {
  return [...plugins.keys()].sort();
}

/**
 * Validate a strategy's options (undefined means all defaults) and fill in the defaults. `where` is
 * the spec path of the options object, e.g. "strategies[1].options"; errors are CONFIG_INVALID
 * naming each bad path ("strategies[1].options.mu: expected number >= 0").
 */
export function parseStrategyOptions(name: string, options: unknown, where: string): z.output<StrategyPlugin['schema']> {
  const plugin = getStrategy(name, where.replace(/\.options$/, '.name'));
  const r = plugin.schema.safeParse(options ?? {});
  if (!r.success) {
    const issues = optionIssues(r.error, where, plugin.schema);
    const text = issues.map((i) => `${i.path}: ${i.problem}`).join('; ');
    throw new MedfedError(ErrorCodes.CONFIG_INVALID, `invalid options for strategy "${name}": ${text}`, {
      where: issues[0]?.path ?? where,
      hint: 'see docs/strategies.md for each strategy\'s options and their ranges',
    });
  }
  return r.data;
}
