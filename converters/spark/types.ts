import type { z } from 'zod';
import type { ContentItemsV1_6, TrajectoryV1_6 } from '../../src/schema/eras/v1-6.js';
import type { Provenance } from '../../src/schema/provenance.js';

/** A JSON object as read from the release; SPARK's writers drifted, so nothing is assumed. */
export type JsonObject = Record<string, unknown>;

/** One parsed line of a task's `trajectory.jsonl`. */
export interface SparkEventLine {
  /** 1-based line number in `trajectory.jsonl`. */
  line: number;
  event: JsonObject;
}

/**
 * Everything the release holds for one task folder, already read and parsed. The converter is
 * pure: the importer in src/import reads the files and builds this.
 */
export interface SparkTaskInput {
  /** The task folder name, verbatim. */
  task: string;
  /** Parsed `trajectory.jsonl` lines, in file order (malformed lines already reported and left out). */
  events?: SparkEventLine[];
  /** Parsed `attempts.json`. */
  attemptsJson?: JsonObject;
  /** `SKILL.md`, decoded as UTF-8. */
  skillMd?: string;
  /** Dataset revision (commit sha), when known. */
  revision?: string;
}

/** Codes of the warnings the SPARK importer gives. */
export type SparkWarningCode =
  | 'missing_file'
  | 'no_spark_files'
  | 'duplicate_task'
  | 'unreadable_file'
  | 'malformed_file'
  | 'malformed_line'
  | 'blank_line'
  | 'invalid_utf8'
  | 'control_char'
  | 'lone_surrogate'
  | 'lone_surrogate_replaced'
  | 'missing_task_summary'
  | 'status_mismatch'
  | 'attempt_mismatch'
  | 'llm_error_text'
  | 'skill_unbalanced_fences'
  | 'skill_no_frontmatter'
  | 'skill_frontmatter_invalid'
  | 'skill_without_pass'
  | 'mojibake'
  | 'nul_char'
  | 'replacement_char'
  | 'large_line'
  | 'unknown_event'
  | 'writer_drift'
  | 'verbatim_stdout'
  | 'invalid_record';

/** A problem found in the release: the record still comes out, this says what was odd and where. */
export interface SparkWarning {
  code: SparkWarningCode;
  /** Task folder name. */
  task: string;
  /** File inside the task folder: `trajectory.jsonl`, `attempts.json` or `SKILL.md`. */
  file: string;
  /** 1-based line, when the problem is on one line. */
  line?: number;
  message: string;
}

/** An entry of `extra.codex_after`: one stdout line with no content item of its own. */
export type CodexStreamEntry =
  | { line: JsonObject }
  | { started: string }
  | { text: string };

/** `extra.codex` on a content item made from one Codex stdout line. */
export interface CodexItemExtra {
  /** The Codex event type: `item.completed`, `item.started`, `error`, `turn.failed`, or `stdout`. */
  event: string;
  /** The Codex item id (`item_7`). */
  id?: string;
  /** The shell wrapper removed from the command (`/bin/bash -lc`), when unwrapping was exact. */
  shell?: string;
  /** The command verbatim, when it could not be unwrapped exactly. */
  command?: string;
  /** Whitespace between `</think>` and the message, when the message started with `<think>`. */
  think_gap?: string;
  /** Ids of Codex `reasoning` items whose text was copied into this action's reasoning_content. */
  reasoning_items?: string[];
  /** mcp_tool_call: the server. */
  server?: string;
  /** mcp_tool_call: the tool name. */
  tool?: string;
  /** mcp_tool_call: `arguments` when it is not a JSON object (kwargs must be one). */
  arguments?: unknown;
  /** The original line, when the content items do not reproduce it byte for byte. */
  raw?: string;
}

/** Free-form JSON on a content item (trajkit 1.6.0 `extra`). */
export interface ContentExtra {
  codex?: CodexItemExtra;
  codex_after?: CodexStreamEntry[];
  [key: string]: unknown;
}

type ContentItemV1_6 = z.infer<typeof ContentItemsV1_6.ContentItem>;
type WithCodexExtra<T> = T extends unknown ? Omit<T, 'extra'> & { extra?: ContentExtra } : never;

/**
 * The content items the SPARK importer writes: trajkit 1.6.0 content items (types from the
 * schema) with `extra` narrowed to what the Codex mapping puts there.
 */
export type SparkContentItem = WithCodexExtra<Extract<ContentItemV1_6, { class_: 'code_action' | 'api_action' | 'message_action' | 'text_observation' }>>;

/**
 * The trajkit 1.6.0 trajectory the SPARK importer writes for one attempt: `TrajectoryV1_6`
 * with the parts the importer always fills made required.
 */
export type SparkTrajectory = Omit<TrajectoryV1_6, 'schema_version' | 'content' | 'provenance' | 'details'> & {
  schema_version: '1.6.0';
  content: SparkContentItem[];
  provenance: Provenance;
  details: JsonObject;
};
