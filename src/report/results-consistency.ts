import type { z } from 'zod';

/** The parts of a results object the cross-checks read (already shape-checked by zod). */
interface ResultsShape {
  study: { rounds: number; sites: { id: string }[] };
  runs: {
    name: string;
    kind: string;
    strategy?: string;
    perSite: Record<string, unknown>;
    history: { round: number }[];
    localModels?: { siteId: string }[];
  }[];
  comparison: { run: string }[];
}

/** Cross-field rules zod's shapes cannot say: unique run names, known site ids, ordered rounds. */
export function checkResultsConsistency(results: ResultsShape, ctx: z.RefinementCtx): void {
  const siteIds = new Set(results.study.sites.map((s) => s.id));
  if (siteIds.size !== results.study.sites.length) {
    ctx.addIssue({ code: 'custom', path: ['study', 'sites'], message: 'site ids must be unique' });
  }
  const runNames = new Set<string>();
  results.runs.forEach((run, i) => {
    const at = (...p: (string | number)[]) => ['runs', i, ...p];
    if (runNames.has(run.name)) ctx.addIssue({ code: 'custom', path: at('name'), message: `duplicate run name "${run.name}"` });
    runNames.add(run.name);
    if (run.kind === 'federated' && !run.strategy) {
      ctx.addIssue({ code: 'custom', path: at('strategy'), message: 'a federated run must name its strategy' });
    }
    if (run.kind === 'local-only' && !(run.localModels && run.localModels.length > 0)) {
      ctx.addIssue({ code: 'custom', path: at('localModels'), message: 'a local-only run must list its site models' });
    }
    for (const id of Object.keys(run.perSite)) {
      if (!siteIds.has(id)) ctx.addIssue({ code: 'custom', path: at('perSite', id), message: `unknown site "${id}" (not in study.sites)` });
    }
    run.localModels?.forEach((m, j) => {
      if (!siteIds.has(m.siteId)) {
        ctx.addIssue({ code: 'custom', path: at('localModels', j, 'siteId'), message: `unknown site "${m.siteId}"` });
      }
    });
    run.history.forEach((h, j) => {
      if (j > 0 && h.round <= run.history[j - 1].round) {
        ctx.addIssue({ code: 'custom', path: at('history', j, 'round'), message: 'rounds must increase' });
      }
      if (h.round > results.study.rounds) {
        ctx.addIssue({ code: 'custom', path: at('history', j, 'round'), message: `round ${h.round} is beyond study.rounds` });
      }
    });
  });
  results.comparison.forEach((row, i) => {
    if (!runNames.has(row.run)) ctx.addIssue({ code: 'custom', path: ['comparison', i, 'run'], message: `unknown run "${row.run}"` });
  });
}
