export { renderReport } from './html.js';
export { escapeHtml } from './escape-html.js';
export { buildComparison } from './comparison.js';
export { bestFederatedRun } from './best-run.js';
export {
  parseResults,
  resultsSchema,
  runResultSchema,
  siteSummarySchema,
  studySummarySchema,
  historyEntrySchema,
  localModelSchema,
  comparisonRowSchema,
  type Results,
  type ResultsInput,
  type RunResult,
  type RunKind,
  type SiteSummary,
  type StudySummary,
  type HistoryEntry,
  type LocalModelResult,
  type ComparisonRow,
} from './results-schema.js';
export { metricsRecordSchema, rankableMetrics, type MetricsRecord, type RankableMetric } from './metrics-schema.js';
export { meanOfMetrics } from './mean-metrics.js';
