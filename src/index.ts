/**
 * trajkit's public API. Everything the CLI does is reachable from here.
 */
export * from './errors.js';
export * from './schema/index.js';
export * from './hub/index.js';
export * from './io/record-format.js';
export * from './io/read-records.js';
export * from './io/record-writer.js';
export * from './io/inputs.js';
export { WorkerError } from './io/parallel-lines.js';
export type { DuckDBSettings, ParquetColumns } from './io/parquet.js';
export * from './validate/validate-files.js';
export * from './progress.js';
export * from './lint/index.js';
export * from './migrate/index.js';
export * from './import/import-spark.js';
export * from '../converters/spark/index.js';
export * from './pdi/index.js';
export { batchPdi, type BatchPdiOptions, type BatchPdiResult, type BatchPdiRow } from './analytics/batch-pdi.js';
export { findSparkTaskFolders, type SparkTaskFolder as SparkPdiTaskFolder } from './analytics/spark-task-folders.js';
export { readSparkTask } from './analytics/read-spark-task.js';
export {
  openAnalyticsViews,
  withAnalyticsViews,
  formatViewIssue,
  reportViewIssues,
  TRAJECTORY_COLUMNS,
  type AnalyticsViewsOptions,
  type AnalyticsSession,
  type ViewCounts,
  type ViewIssue,
} from './analytics/views.js';
export * from './analytics/query.js';
export {
  pdiSummary,
  summarizeViews,
  formatPdiSummary,
  type PdiSummaryOptions,
  type PdiSummary,
  type PdiOrigin,
  type TaskSummaryRow,
  type OverallSummary,
  type OutcomeProxyRow,
  type InterventionRow,
} from './analytics/summary.js';
export { formatTextTable, type TextTableOptions } from './analytics/text-table.js';
export { buildReport, writeReport, type BuildReportOptions } from './report/build-report.js';
export { renderReport } from './report/render-report.js';
export type { ReportData, ReportTask, ReportAttempt, ReportStep } from './report/report-data.js';
