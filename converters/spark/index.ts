/** SPARK_PDI_Trajectory ↔ ADP 1.6.0: pure record-to-record functions (docs/spark.md). */
export * from './types.js';
export { sparkTaskToTrajectories, sparkRecordId, SPARK_SOURCE, SPARK_FILES, SPARK_ATTEMPT_EVENTS, type SparkTaskConversion } from './import.js';
export {
  rebuildSparkTask,
  rebuildRecordEvents,
  rebuildAttemptsEntry,
  rebuildAttemptsJson,
  deriveAttemptsJsonField,
  groupSparkRecordsByTask,
  type RebuiltSparkTask,
  type DerivableAttemptsField,
} from './export.js';
export { parseCodexStream, rebuildCodexStream, ToolCallIds, type CodexStreamParse, type CodexStreamFrame } from './codex-stream.js';
export { parseShellWord, quoteShellWord, unwrapCodexCommand, CODEX_SHELL_PREFIX } from './shell-quote.js';
export { analyzeSkillMd, LLM_ERROR_PREFIX, type SkillMdAnalysis } from './skill-md.js';
