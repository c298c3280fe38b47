import type { PdiMethod } from '../schema/pdi-snapshot.js';
import { EXECUTION_FAILED_PREFIX, INFRA_SUMMARY_PREFIX } from '../pdi/step-inputs.js';
import { FAILED_MARK } from '../pdi/sections.js';
import { JS_SMOOTHING } from '../pdi/similarity.js';

/*
 * The SQL of the batch PDI (spec §6) over every task at once. Only constants written by this
 * module appear in the SQL text (regex classes, code points, numeric constants of the
 * algorithm); every value that comes from the user or the data is a bound parameter or a
 * column.
 *
 * Parity with the TypeScript engine is exact, bit for bit, for token_overlap (see docs/pdi.md):
 * - lowercasing: DuckDB's lower() agrees with toLowerCase() except on a few code points
 *   (measured with DuckDB 1.5.6 and Node 20: 56 — İ and capitals new in Unicode 16 — plus final
 *   sigma), measured again at every run; strings holding one go through `tk_js_lower`, a scalar
 *   function that calls toLowerCase(), all others use lower();
 * - the word class is generated from JS's own Unicode tables (RE2's \p{L}\p{N} are older and
 *   miss ~9,600 code points);
 * - sums are numpy-pairwise over ordered lists (list_reduce is a left fold), never SUM();
 * - rounding is exact half-to-even on the binary value (round() is not).
 */

/** Code points Python's `str.strip()` removes (see src/pdi/sections.ts). */
const PY_WHITESPACE_CODES = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
  0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];

/** numpy's pairwise block size (see src/pdi/zscore.ts). */
const PAIRWISE_BLOCK = 128;

let wordClass: string | undefined;
let casedPoints: number[] | undefined;

/** An RE2 character class listing the code points `test` accepts, as explicit ranges. */
function codePointClass(test: (c: string) => boolean): string {
  const hex = (n: number) => `\\x{${n.toString(16)}}`;
  const parts: string[] = [];
  let start = -1;
  for (let cp = 0; cp <= 0x110000; cp++) {
    const inside = cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) && test(String.fromCodePoint(cp));
    if (inside && start < 0) start = cp;
    else if (!inside && start >= 0) {
      parts.push(start === cp - 1 ? hex(start) : `${hex(start)}-${hex(cp - 1)}`);
      start = -1;
    }
  }
  return `[${parts.join('')}]`;
}

/**
 * An RE2 character class equal to JS `/[\p{L}\p{N}_]/u` on this Node's Unicode tables, as
 * explicit code-point ranges, with `+`. Built once per process (~60 ms).
 */
export function wordClassPattern(): string {
  wordClass ??= `${codePointClass((c) => /[\p{L}\p{N}_]/u.test(c))}+`;
  return wordClass;
}

/** Non-ASCII code points `toLowerCase()` changes (capitals of every script, İ, Σ, Ⓐ …). */
export function jsCasedCodePoints(): number[] {
  if (casedPoints) return casedPoints;
  const points: number[] = [];
  for (let cp = 0x80; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (c.toLowerCase() !== c) points.push(cp);
  }
  casedPoints = points;
  return points;
}

/**
 * An RE2 class of the code points whose lowercase differs between DuckDB's `lower()` and JS
 * (`differing`, measured on this DuckDB by the caller), plus Σ, whose lowercase depends on
 * context (final sigma). A string without any of them lowercases alike in both, so only the
 * rare string with one goes through the JS function. The per-code-point parity test checks
 * that no other code point needs it.
 */
export function lowerMismatchPattern(differing: readonly number[]): string {
  const set = new Set([...differing, 0x3a3]);
  return codePointClass((c) => set.has(c.codePointAt(0)!));
}

/** How deep numpy's pairwise recursion goes for `n` items (0 for n ≤ 128). */
export function pairwiseDepth(n: number): number {
  if (n <= PAIRWISE_BLOCK) return 0;
  let half = Math.floor(n / 2);
  half -= half % 8;
  return 1 + Math.max(pairwiseDepth(half), pairwiseDepth(n - half));
}

const chrs = (codes: readonly number[]) => codes.map((c) => `chr(${c})`).join(' || ');
const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The text macros of the batch: text functions of spec §6.2, set similarities and
 * `1 − JS` of §6.3, and exact 4-dp rounding. `tk_js_lower` must be registered first (it is the
 * JS `toLowerCase`); `lowerMismatch` comes from {@link lowerMismatchPattern}.
 */
export function textMacros(method: PdiMethod, lowerMismatch: string): string[] {
  return [
    `CREATE OR REPLACE TEMP MACRO tk_strip(s) AS trim(s, ${chrs(PY_WHITESPACE_CODES)})`,
    // first occurrence of "### title\n"; body up to the next "\n### " (split_part) or the end
    `CREATE OR REPLACE TEMP MACRO tk_section(s, title) AS CASE
       WHEN strpos(s, '### ' || title || chr(10)) = 0 THEN ''
       ELSE tk_strip(split_part(substr(s, strpos(s, '### ' || title || chr(10)) + length(title) + 5), chr(10) || '### ', 1))
     END`,
    // strlen counts bytes and length code points: equal exactly when the string is ASCII
    // The node binding drops a leading U+FEFF when it hands a string to JS, so a space goes in
    // front (it is neither cased nor case-ignorable: final sigma cannot see past it) and comes off.
    `CREATE OR REPLACE TEMP MACRO tk_lower(s) AS CASE
       WHEN strlen(s) = length(s) OR NOT regexp_matches(s, ${sqlString(lowerMismatch)}) THEN lower(s)
       ELSE substr(tk_js_lower(' ' || s), 2) END`,
    `CREATE OR REPLACE TEMP MACRO tk_tokens(s) AS regexp_extract_all(tk_lower(s), ${sqlString(wordClassPattern())})`,
    // what a step keeps of a text: the token set (token_overlap) or the token multiset (js_divergence)
    method === 'token_overlap'
      ? `CREATE OR REPLACE TEMP MACRO tk_tokset(s) AS list_distinct(tk_tokens(s))`
      : `CREATE OR REPLACE TEMP MACRO tk_tokset(s) AS tk_tokens(s)`,
    `CREATE OR REPLACE TEMP MACRO tk_stored_summary(status, judged, error, summary) AS
       CASE WHEN status = 'INFRA_ERROR' AND judged THEN ${sqlString(INFRA_SUMMARY_PREFIX)} || coalesce(error, '') ELSE summary END`,
    `CREATE OR REPLACE TEMP MACRO tk_failed(t) AS list_distinct(list_transform(
       list_filter(
         list_transform(regexp_split_to_array(t, '\\r\\n|[\\n\\r\\x{0b}\\x{0c}\\x{1c}\\x{1d}\\x{1e}\\x{85}\\x{2028}\\x{2029}]'), lambda l: tk_strip(l)),
         lambda l: starts_with(l, chr(${FAILED_MARK.codePointAt(0)}))),
       lambda l: tk_strip(substr(l, 2))))`,
    `CREATE OR REPLACE TEMP MACRO tk_cov(src, tgt) AS CASE WHEN len(tgt) = 0 THEN 0.0 ELSE len(list_intersect(src, tgt)) / len(tgt) END`,
    `CREATE OR REPLACE TEMP MACRO tk_jac(a, b) AS CASE WHEN len(a) + len(b) = 0 THEN 0.0 ELSE tk_jac_of(len(list_intersect(a, b)), len(a) + len(b)) END`,
    // common / (|a| + |b| − common), with the intersection counted once
    `CREATE OR REPLACE TEMP MACRO tk_jac_of(common, total) AS common / (total - common)`,
    `CREATE OR REPLACE TEMP MACRO tk_fold(l) AS list_reduce(list_prepend(0.0::DOUBLE, l), lambda a, b: a + b)`,
    JS_MACRO,
    ...roundingMacros(),
  ];
}

/**
 * numpy pairwise sums: `tk_pw(l)` for lists of up to `maxSteps` items. Each level works on a
 * range (offset `a`, length `n`) of the one list, so nesting adds integer arithmetic, not copies
 * of the list expression.
 */
export function pairwiseMacros(maxSteps: number): string[] {
  const add = 'lambda x, y: x + y';
  const lane = (j: number) => `list_reduce(list_slice(l, a + ${j + 1}, a + n - n % 8, 8), ${add})`;
  const macros = [
    // n ≤ 128: a left fold below 8 items; else eight interleaved left folds, combined, then the tail
    `CREATE OR REPLACE TEMP MACRO tk_pw_0(l, a, n) AS CASE
       WHEN n < 8 THEN tk_fold(list_slice(l, a + 1, a + n))
       WHEN n <= ${PAIRWISE_BLOCK} THEN list_reduce(list_prepend(
         ((${lane(0)} + ${lane(1)}) + (${lane(2)} + ${lane(3)})) + ((${lane(4)} + ${lane(5)}) + (${lane(6)} + ${lane(7)})),
         list_slice(l, a + n - n % 8 + 1, a + n)), ${add})
       ELSE error('trajkit: pairwise sum deeper than planned') END`,
  ];
  const depth = pairwiseDepth(Math.max(1, maxSteps));
  const half = '(n // 2 - (n // 2) % 8)';
  for (let k = 1; k <= depth; k++) {
    macros.push(`CREATE OR REPLACE TEMP MACRO tk_pw_${k}(l, a, n) AS CASE WHEN n <= ${PAIRWISE_BLOCK} THEN tk_pw_0(l, a, n)
       ELSE tk_pw_${k - 1}(l, a, ${half}) + tk_pw_${k - 1}(l, a + ${half}, n - ${half}) END`);
  }
  macros.push(`CREATE OR REPLACE TEMP MACRO tk_pw(l) AS tk_pw_${depth}(l, 0, len(l))`);
  return macros;
}

function roundingMacros(): string[] {
  return [
    // Veltkamp split: hi has ≤ 26 significant bits, so hi·10^4 and lo·10^4 are both exact
    `CREATE OR REPLACE TEMP MACRO tk_split_hi(x) AS (x * 134217729.0) - ((x * 134217729.0) - x)`,
    // sign of (10^4·x − m) for m = k + ½, exact: (hi·10^4 − m) is exact by Sterbenz whenever it matters
    `CREATE OR REPLACE TEMP MACRO tk_sign_vs_mid(x, m) AS CASE
       WHEN tk_split_hi(x) * 10000.0 - m > -((x - tk_split_hi(x)) * 10000.0) THEN 1
       WHEN tk_split_hi(x) * 10000.0 - m < -((x - tk_split_hi(x)) * 10000.0) THEN -1
       ELSE 0 END`,
    `CREATE OR REPLACE TEMP MACRO tk_round4_k(x, k) AS CASE tk_sign_vs_mid(x, k + 0.5)
       WHEN 1 THEN k + 1 WHEN -1 THEN k ELSE CASE WHEN k % 2 = 0 THEN k ELSE k + 1 END END`,
    // half-to-even at 4 dp on the exact binary value, like Python's round(x, 4)
    `CREATE OR REPLACE TEMP MACRO tk_round4(x) AS CASE
       WHEN x IS NULL OR NOT isfinite(x) OR abs(x) >= 1099511627776.0 THEN x
       ELSE tk_round4_k(x, floor(x * 10000.0)) / 10000.0 END`,
  ];
}

/** Columns read from `trajectory.jsonl` (everything else in a line is skipped unparsed). */
export const TRAJECTORY_COLUMNS: readonly (readonly [string, string])[] = [
  ['type', 'VARCHAR'], ['attempt', 'DOUBLE'], ['status', 'VARCHAR'], ['test_summary', 'VARCHAR'], ['agent_commands', 'VARCHAR'],
  ['error', 'VARCHAR'], ['result_json', 'JSON'], ['memo_before', 'VARCHAR'], ['memo_after', 'VARCHAR'], ['step', 'DOUBLE'],
  ['proxy_exec', 'DOUBLE'], ['proxy_plan', 'DOUBLE'], ['proxy_oss', 'DOUBLE'], ['raw_pdi', 'DOUBLE'], ['weight', 'DOUBLE'],
  ['weighted_pdi', 'DOUBLE'], ['triggered', 'BOOLEAN'], ['level', 'VARCHAR'],
];

const columnsStruct = (columns: readonly (readonly [string, string])[]) => `{${columns.map(([n, t]) => `${n}: '${t}'`).join(', ')}}`;

const SNAPSHOT_STRUCT =
  'STRUCT(step DOUBLE, proxy_exec DOUBLE, proxy_plan DOUBLE, proxy_oss DOUBLE, raw_pdi DOUBLE, weight DOUBLE, weighted_pdi DOUBLE, triggered BOOLEAN, level VARCHAR)';

/** Columns read from `attempts.json`. */
export const ATTEMPTS_COLUMNS: readonly (readonly [string, string])[] = [
  ['exploration_memo', 'VARCHAR'],
  ['memo_history', 'VARCHAR[]'],
  ['attempts', 'STRUCT(attempt DOUBLE, status VARCHAR, agent_commands VARCHAR, test_summary VARCHAR)[]'],
  ['pdi', `STRUCT(enabled BOOLEAN, warmup DOUBLE, threshold DOUBLE, history ${SNAPSHOT_STRUCT}[])`],
];

/**
 * The longest line (or attempts.json) DuckDB's reader accepts. DuckDB sizes its read buffers
 * from this, so it costs memory; a longer line is reported (the TypeScript reader names it).
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const isInt = (col: string) => `(${col} IS NOT NULL AND ${col} = floor(${col}))`;

/**
 * Loads every trajectory line in one parallel scan (only the columns PDI reads). Rows keep file
 * order (DuckDB preserves insertion order), so `rowid` orders the lines of a file; `file_index`
 * gives the task through the bound `$task_ids`. `valid` mirrors the zod schemas of
 * src/pdi/spark-records.ts: a row DuckDB could not parse comes back all NULL and is invalid.
 */
export function loadTrajectoriesSql(haveFiles: boolean): string {
  const source = haveFiles
    ? `read_json($files, format = 'newline_delimited', ignore_errors = true,
               maximum_object_size = ${MAX_LINE_BYTES}, columns = ${columnsStruct(TRAJECTORY_COLUMNS)})`
    : `(SELECT ${TRAJECTORY_COLUMNS.map(([n, t]) => `NULL::${t} AS ${n}`).join(', ')} WHERE false)`;
  return `
CREATE OR REPLACE TEMP TABLE pdi_event AS
${eventFeaturesSql(`
  SELECT ${haveFiles ? '$task_ids[(file_index + 1)::BIGINT]::INTEGER' : 'NULL::INTEGER'} AS task_id,
         type, attempt, status, test_summary, agent_commands, error, result_json IS NOT NULL AS judged,
         memo_before, memo_after, step, proxy_exec, proxy_plan, proxy_oss, raw_pdi, weight, weighted_pdi, triggered, level
  FROM ${source}
  -- other event types carry nothing PDI reads; a row DuckDB could not parse has no type and is kept as invalid
  WHERE type IS NULL OR type IN ('execution_result', 'reflect_call', 'pdi_snapshot')`)}`;
}

/**
 * Events as stored: each row's text work done where it is read, so it runs in the parallel
 * scan and only token sets are kept, never the texts. From an execution_result: the token set
 * of its commands and the failed-test sets of its summary and of the summary attempts.json
 * stores; from a reflect_call: the token sets of the Verified Facts and Next Strategy sections
 * of the memos after and before it. `valid` mirrors the zod schemas of src/pdi/spark-records.ts.
 */
function eventFeaturesSql(rows: string): string {
  return `
SELECT task_id, type, attempt, status, judged, step, proxy_exec, proxy_plan, proxy_oss, raw_pdi, weight, weighted_pdi, triggered, level, valid,
       CASE WHEN type = 'execution_result' THEN tk_tokset(agent_commands) END AS t_commands,
       CASE WHEN type = 'execution_result' THEN tk_failed(test_summary) END AS f_summary,
       CASE WHEN type = 'execution_result' THEN tk_failed(tk_stored_summary(status, judged, error, test_summary)) END AS f_stored,
       CASE WHEN type = 'reflect_call' THEN memo_before <> '' END AS has_prev,
       CASE WHEN type = 'reflect_call' THEN facts <> '' END AS has_facts,
       CASE WHEN type = 'reflect_call' THEN tk_tokset(facts) END AS t_facts,
       CASE WHEN type = 'reflect_call' THEN tk_tokset(strategy) END AS t_strategy,
       CASE WHEN type = 'reflect_call' THEN tk_tokset(prev_facts) END AS t_prev_facts,
       CASE WHEN type = 'reflect_call' THEN tk_tokset(prev_strategy) END AS t_prev_strategy
FROM (
  SELECT *,
         CASE WHEN type = 'reflect_call' THEN tk_section(memo_after, 'Verified Facts') END AS facts,
         CASE WHEN type = 'reflect_call' THEN tk_section(memo_after, 'Next Strategy') END AS strategy,
         CASE WHEN type = 'reflect_call' THEN tk_section(memo_before, 'Verified Facts') END AS prev_facts,
         CASE WHEN type = 'reflect_call' THEN tk_section(memo_before, 'Next Strategy') END AS prev_strategy,
         CASE type
           WHEN 'execution_result' THEN ${isInt('attempt')} AND status IS NOT NULL AND test_summary IS NOT NULL AND agent_commands IS NOT NULL
           WHEN 'reflect_call' THEN ${isInt('attempt')} AND memo_before IS NOT NULL AND memo_after IS NOT NULL
           WHEN 'pdi_snapshot' THEN ${isInt('attempt')} AND ${isInt('step')} AND proxy_exec IS NOT NULL AND proxy_plan IS NOT NULL
             AND proxy_oss IS NOT NULL AND raw_pdi IS NOT NULL AND weight IS NOT NULL AND weighted_pdi IS NOT NULL
             AND triggered IS NOT NULL AND (level IS NULL OR level IN ('soft', 'strong'))
           ELSE false
         END AS valid
  FROM (${rows}))`;
}

export function loadAttemptsSql(haveFiles: boolean): string {
  const source = haveFiles
    ? `read_json($files, format = 'auto', records = true, ignore_errors = true,
               maximum_object_size = ${MAX_LINE_BYTES}, columns = ${columnsStruct(ATTEMPTS_COLUMNS)})`
    : `(SELECT ${ATTEMPTS_COLUMNS.map(([n, t]) => `NULL::${t} AS ${n}`).join(', ')} WHERE false)`;
  return `
CREATE OR REPLACE TEMP TABLE pdi_attempts_doc AS
SELECT ${haveFiles ? '$task_ids[(file_index + 1)::BIGINT]::INTEGER' : 'NULL::INTEGER'} AS task_id, d.*,
  d.exploration_memo IS NOT NULL AND d.memo_history IS NOT NULL AND d.attempts IS NOT NULL
  AND coalesce(list_bool_and(list_transform(d.memo_history, lambda m: m IS NOT NULL)), true)
  AND coalesce(list_bool_and(list_transform(d.attempts, lambda a: ${isInt('a.attempt')} AND a.status IS NOT NULL
        AND a.agent_commands IS NOT NULL AND a.test_summary IS NOT NULL)), true)
  AND coalesce(list_bool_and(list_transform(d.pdi.history, lambda h: ${isInt('h.step')}
        AND h.proxy_exec IS NOT NULL AND h.proxy_plan IS NOT NULL AND h.proxy_oss IS NOT NULL AND h.raw_pdi IS NOT NULL
        AND h.weight IS NOT NULL AND h.weighted_pdi IS NOT NULL AND h.triggered IS NOT NULL
        AND (h.level IS NULL OR h.level IN ('soft', 'strong')))), true) AS valid
FROM ${source} d`;
}

/**
 * The settings (`pdi` block) of every `attempts.json`, which is all a trajectory-based task
 * needs from it: the rest of the document is parsed but not kept. `parsed` is false when
 * DuckDB could not read the document (or it lacks `exploration_memo`, which every valid one has).
 */
export function loadAttemptSettingsSql(haveFiles: boolean): string {
  const source = haveFiles
    ? `read_json($files, format = 'auto', records = true, ignore_errors = true, maximum_object_size = ${MAX_LINE_BYTES},
               columns = {exploration_memo: 'VARCHAR', pdi: 'STRUCT(enabled BOOLEAN, warmup DOUBLE, threshold DOUBLE)'})`
    : `(SELECT NULL::VARCHAR AS exploration_memo, NULL::STRUCT(enabled BOOLEAN, warmup DOUBLE, threshold DOUBLE) AS pdi WHERE false)`;
  return `
CREATE OR REPLACE TEMP TABLE pdi_attempts_settings AS
SELECT ${haveFiles ? '$task_ids[(file_index + 1)::BIGINT]::INTEGER' : 'NULL::INTEGER'} AS task_id,
       exploration_memo IS NOT NULL AS parsed, pdi.enabled AS enabled, pdi.warmup AS warmup, pdi.threshold AS threshold
FROM ${source}`;
}

/**
 * The replay of `attempts.json` (spec §6.5) for tasks without a trajectory: every attempt up to
 * the first PASS classified (reflect, execution failure, skipped INFRA_ERROR), with the number
 * of memos of `memo_history + [exploration_memo]` consumed so far.
 */
export const WALK_ATTEMPTS = `
CREATE OR REPLACE TEMP TABLE pdi_att_walk AS
WITH
doc AS (
  SELECT d.* FROM pdi_attempts_doc d JOIN pdi_task t ON t.task_id = d.task_id AND t.source = 'attempts' WHERE d.valid),
att AS (
  SELECT task_id, list_concat(memo_history, [exploration_memo]) AS memos,
         unnest(attempts) AS a, generate_subscripts(attempts, 1) AS idx
  FROM doc),
att_kind AS (
  SELECT task_id, memos, idx, a.attempt::INTEGER AS attempt, a.status, a.agent_commands, a.test_summary,
         CASE WHEN a.agent_commands = '' AND starts_with(a.test_summary, ${sqlString(EXECUTION_FAILED_PREFIX)}) THEN 'execution_failure'
              WHEN a.status = 'INFRA_ERROR' THEN 'skip'
              ELSE 'reflect' END AS kind,
         min(CASE WHEN a.status = 'PASS' THEN idx END) OVER (PARTITION BY task_id) AS first_pass
  FROM att),
att_flags AS (
  SELECT *,
         first_pass IS NULL OR idx < first_pass AS in_walk
  FROM att_kind),
att_firsts AS (
  SELECT *,
         min(CASE WHEN in_walk AND kind = 'reflect' THEN idx END) OVER (PARTITION BY task_id) AS first_reflect,
         min(CASE WHEN in_walk AND kind = 'execution_failure' THEN idx END) OVER (PARTITION BY task_id) AS first_failure
  FROM att_flags)
-- a memo is consumed by every reflect, and by the synthetic memo an execution failure
-- installs over an empty memo: only before anything else was installed
SELECT *,
       sum(CASE WHEN in_walk AND (kind = 'reflect' OR (kind = 'execution_failure' AND idx = first_failure
                 AND (first_reflect IS NULL OR first_reflect > idx))) THEN 1 ELSE 0 END)
         OVER (PARTITION BY task_id ORDER BY idx ROWS UNBOUNDED PRECEDING)::BIGINT AS consumed
FROM att_firsts`;

/**
 * Steps of every task (spec §6.1, §6.5) with their proxies (§6.3–6.4), paired with recorded
 * snapshots, as one table: one row per step and/or recorded snapshot. Pairing keys: (attempt,
 * nth) from a trajectory, position (k_idx) from `attempts.json`. The token sets meet once, here,
 * and only the three proxies travel on.
 */
export function buildStepsSql(method: PdiMethod): string {
  return `
CREATE OR REPLACE TEMP TABLE pdi_pair AS
WITH
-- windows and aggregates run on narrow key columns; the texts join back by row (ord)
exec_key AS (
  SELECT task_id, attempt::INTEGER AS attempt, min(rowid) AS ord
  FROM pdi_event WHERE valid AND type = 'execution_result' GROUP BY ALL),
exec_first AS (
  SELECT k.task_id, k.attempt, e.t_commands, e.f_summary, e.f_stored
  FROM exec_key k JOIN pdi_event e ON e.rowid = k.ord),
reflect_key AS (
  SELECT e.task_id, e.attempt::INTEGER AS attempt, e.rowid AS ord, e.has_prev,
         row_number() OVER (PARTITION BY e.task_id, e.attempt ORDER BY e.rowid) - 1 AS nth,
         (sum(e.has_prev::INTEGER) OVER (PARTITION BY e.task_id ORDER BY e.attempt, e.rowid ROWS UNBOUNDED PRECEDING))::BIGINT AS archived
  FROM pdi_event e JOIN pdi_task t ON t.task_id = e.task_id AND t.source = 'trajectory'
  WHERE e.valid AND e.type = 'reflect_call'),
traj_step AS (
  SELECT k.task_id, k.attempt AS k_attempt, k.nth AS k_nth, NULL::BIGINT AS k_idx, k.attempt, k.archived, k.has_prev,
         r.has_facts, r.t_facts, r.t_strategy, r.t_prev_facts, r.t_prev_strategy,
         coalesce(x.t_commands, []) AS t_commands, coalesce(x.f_summary, []) AS f_summary,
         CASE WHEN k.attempt = 0 THEN [] ELSE coalesce(p.f_stored, []) END AS f_prev_summary
  FROM reflect_key k
  JOIN pdi_event r ON r.rowid = k.ord
  LEFT JOIN exec_first x ON x.task_id = k.task_id AND x.attempt = k.attempt
  LEFT JOIN exec_first p ON p.task_id = k.task_id AND p.attempt = k.attempt - 1),
traj_recorded AS (
  SELECT e.task_id, e.attempt::INTEGER AS k_attempt,
         row_number() OVER (PARTITION BY e.task_id, e.attempt ORDER BY e.rowid) - 1 AS k_nth, NULL::BIGINT AS k_idx,
         e.attempt::INTEGER AS rec_attempt,
         e.step::INTEGER AS rec_step, e.proxy_exec AS rec_proxy_exec, e.proxy_plan AS rec_proxy_plan, e.proxy_oss AS rec_proxy_oss,
         e.raw_pdi AS rec_raw_pdi, e.weight AS rec_weight, e.weighted_pdi AS rec_weighted_pdi, e.triggered AS rec_triggered, e.level AS rec_level
  FROM pdi_event e JOIN pdi_task t ON t.task_id = e.task_id AND t.source = 'trajectory'
  WHERE e.valid AND e.type = 'pdi_snapshot'),
att_step AS (
  SELECT c.task_id, c.attempt, c.idx,
         c.memos[c.consumed] AS memo,
         CASE WHEN c.consumed <= 1 THEN '' ELSE c.memos[c.consumed - 1] END AS prev_memo,
         c.agent_commands AS commands, c.test_summary AS summary,
         CASE WHEN c.attempt = 0 THEN '' ELSE coalesce(prev.test_summary, '') END AS prev_summary
  FROM pdi_att_walk c
  LEFT JOIN (SELECT task_id, attempt, arg_min(test_summary, idx) AS test_summary FROM pdi_att_walk GROUP BY ALL) prev
    ON prev.task_id = c.task_id AND prev.attempt = c.attempt - 1
  WHERE c.in_walk AND c.kind = 'reflect' AND c.consumed <= len(c.memos)),
att_step_numbered AS (
  SELECT task_id, NULL::INTEGER AS k_attempt, 0::BIGINT AS k_nth, row_number() OVER (PARTITION BY task_id ORDER BY idx) AS k_idx, attempt,
         (sum((prev_memo <> '')::INTEGER) OVER (PARTITION BY task_id ORDER BY idx ROWS UNBOUNDED PRECEDING))::BIGINT AS archived,
         prev_memo <> '' AS has_prev,
         tk_section(memo, 'Verified Facts') <> '' AS has_facts,
         tk_tokset(tk_section(memo, 'Verified Facts')) AS t_facts, tk_tokset(tk_section(memo, 'Next Strategy')) AS t_strategy,
         tk_tokset(tk_section(prev_memo, 'Verified Facts')) AS t_prev_facts, tk_tokset(tk_section(prev_memo, 'Next Strategy')) AS t_prev_strategy,
         tk_tokset(commands) AS t_commands, tk_failed(summary) AS f_summary, tk_failed(prev_summary) AS f_prev_summary
  FROM att_step),
att_recorded AS (
  SELECT d.task_id, NULL::INTEGER AS k_attempt, 0::BIGINT AS k_nth, generate_subscripts(d.pdi.history, 1) AS k_idx,
         unnest(d.pdi.history) AS h
  FROM pdi_attempts_doc d JOIN pdi_task t ON t.task_id = d.task_id AND t.source = 'attempts' WHERE d.valid),
steps AS (
  SELECT * FROM traj_step
  UNION ALL BY NAME
  SELECT * FROM att_step_numbered),
${proxiesSql(method)},
recorded_all AS (
  SELECT * FROM traj_recorded
  UNION ALL
  SELECT task_id, k_attempt, k_nth, k_idx, NULL::INTEGER, h.step::INTEGER, h.proxy_exec, h.proxy_plan, h.proxy_oss, h.raw_pdi,
         h.weight, h.weighted_pdi, h.triggered, h.level
  FROM att_recorded)
SELECT coalesce(s.task_id, r.task_id) AS task_id,
       coalesce(s.k_attempt, r.k_attempt) AS k_attempt,
       coalesce(s.k_nth, r.k_nth) AS k_nth,
       coalesce(s.k_idx, r.k_idx) AS k_idx,
       coalesce(s.attempt, r.rec_attempt) AS attempt,
       s.task_id IS NOT NULL AS has_step,
       s.archived, s.proxy_exec, s.proxy_plan, s.proxy_oss,
       r.* EXCLUDE (task_id, k_attempt, k_nth, k_idx, rec_attempt)
FROM proxies s
FULL JOIN recorded_all r
  ON r.task_id = s.task_id AND r.k_attempt IS NOT DISTINCT FROM s.k_attempt AND r.k_nth = s.k_nth
     AND r.k_idx IS NOT DISTINCT FROM s.k_idx`;
}

/** Proxies per step for a method (spec §6.3–6.4), from the token and failed-test sets. */
function proxiesSql(method: PdiMethod): string {
  // `steps` holds one row per step with its token and failed-test sets
  if (method === 'token_overlap') {
    return `
proxies AS (
  SELECT task_id, k_attempt, k_nth, k_idx, attempt, archived,
         CASE WHEN has_facts THEN tk_cov(t_commands, t_facts) ELSE 0.0 END AS proxy_exec,
         CASE WHEN has_prev THEN tk_jac(t_prev_strategy, t_strategy) ELSE 0.0 END AS proxy_plan,
         CASE WHEN has_prev THEN 0.5 * tk_jac(t_prev_facts, t_facts) + 0.5 * tk_jac(f_summary, f_prev_summary) ELSE 0.0 END AS proxy_oss
  FROM steps)`;
  }
  // js_divergence: token multisets per (step, pair, side); vocabulary ordered by code point
  // (VARCHAR compares bytes, and UTF-8 byte order is code-point order); sums are left folds.
  return `
sides AS (
  SELECT task_id, k_attempt, k_nth, k_idx, 1 AS pair, 'a' AS side, t_commands AS tokens FROM steps WHERE has_facts
  UNION ALL SELECT task_id, k_attempt, k_nth, k_idx, 1, 'b', t_facts FROM steps WHERE has_facts
  UNION ALL SELECT task_id, k_attempt, k_nth, k_idx, 2, 'a', t_prev_strategy FROM steps WHERE has_prev
  UNION ALL SELECT task_id, k_attempt, k_nth, k_idx, 2, 'b', t_strategy FROM steps WHERE has_prev
  UNION ALL SELECT task_id, k_attempt, k_nth, k_idx, 3, 'a', t_prev_facts FROM steps WHERE has_prev
  UNION ALL SELECT task_id, k_attempt, k_nth, k_idx, 3, 'b', t_facts FROM steps WHERE has_prev
  UNION ALL SELECT task_id, k_attempt, k_nth, k_idx, 4, 'a', tk_tokens(array_to_string(f_summary, ' ')) FROM steps
    WHERE has_prev AND len(f_summary) + len(f_prev_summary) > 0
  UNION ALL SELECT task_id, k_attempt, k_nth, k_idx, 4, 'b', tk_tokens(array_to_string(f_prev_summary, ' ')) FROM steps
    WHERE has_prev AND len(f_summary) + len(f_prev_summary) > 0),
token_rows AS (
  SELECT task_id, k_attempt, k_nth, k_idx, pair, side, unnest(tokens) AS token FROM sides),
counts AS (
  SELECT task_id, k_attempt, k_nth, k_idx, pair, token,
         count(*) FILTER (WHERE side = 'a')::DOUBLE AS ca, count(*) FILTER (WHERE side = 'b')::DOUBLE AS cb
  FROM token_rows GROUP BY ALL),
vectors AS (
  SELECT task_id, k_attempt, k_nth, k_idx, pair,
         list(ca + ${JS_SMOOTHING} ORDER BY token) AS pa, list(cb + ${JS_SMOOTHING} ORDER BY token) AS pb
  FROM counts GROUP BY ALL),
js AS (
  SELECT task_id, k_attempt, k_nth, k_idx, pair,
         CASE WHEN len(pa) < 2 THEN 0.0 ELSE tk_js_from_totals(pa, pb, tk_fold(pa), tk_fold(pb)) END AS sim
  FROM vectors),
proxies AS (
  SELECT f.task_id, f.k_attempt, f.k_nth, f.k_idx, f.attempt, f.archived,
         CASE WHEN f.has_facts THEN coalesce(j1.sim, 0.0) ELSE 0.0 END AS proxy_exec,
         CASE WHEN f.has_prev THEN coalesce(j2.sim, 0.0) ELSE 0.0 END AS proxy_plan,
         CASE WHEN f.has_prev THEN 0.5 * coalesce(j3.sim, 0.0) + 0.5 * coalesce(j4.sim, 0.0) ELSE 0.0 END AS proxy_oss
  FROM steps f
  LEFT JOIN js j1 ON ${joinStep('j1')} AND j1.pair = 1
  LEFT JOIN js j2 ON ${joinStep('j2')} AND j2.pair = 2
  LEFT JOIN js j3 ON ${joinStep('j3')} AND j3.pair = 3
  LEFT JOIN js j4 ON ${joinStep('j4')} AND j4.pair = 4)`;
}

function joinStep(alias: string): string {
  return `${alias}.task_id = f.task_id AND ${alias}.k_attempt IS NOT DISTINCT FROM f.k_attempt AND ${alias}.k_nth = f.k_nth AND ${alias}.k_idx IS NOT DISTINCT FROM f.k_idx`;
}

/** `1 − JS` from smoothed count vectors and their totals (left folds, as the TS engine). */
export const JS_MACRO = `CREATE OR REPLACE TEMP MACRO tk_js_from_totals(pa, pb, ta, tb) AS
  1.0 - (0.5 * tk_fold(list_transform(pa, lambda c, i: (c / ta) * ln((c / ta) / (((c / ta) + (pb[i] / tb)) / 2))))
       + 0.5 * tk_fold(list_transform(pb, lambda c, i: (c / tb) * ln((c / tb) / (((pa[i] / ta) + (c / tb)) / 2)))))`;

/**
 * The combination (spec §6.5) over every task in one query: running population z-scores over
 * ordered task-wide proxy lists, weight, threshold, soft/strong escalation, under both step
 * numberings, with 4-dp rounded columns. Reads `pdi_pair` (proxies per step) and `pdi_task`
 * (per-task `warmup`, `threshold`, `enabled`).
 */
export function computeSql(): string {
  return `
CREATE OR REPLACE TEMP TABLE pdi_result AS
WITH
ordered AS (
  SELECT task_id, k_attempt, k_nth, k_idx, proxy_exec, proxy_plan, proxy_oss,
         row_number() OVER (PARTITION BY task_id ORDER BY k_idx, k_attempt, k_nth) AS pos
  FROM pdi_pair WHERE has_step),
task_lists AS (
  SELECT task_id, list(proxy_exec ORDER BY pos) AS all_e, list(proxy_plan ORDER BY pos) AS all_l, list(proxy_oss ORDER BY pos) AS all_o
  FROM ordered GROUP BY task_id),
prefix AS (
  SELECT o.*, list_slice(all_e, 1, pos) AS e_list, list_slice(all_l, 1, pos) AS l_list, list_slice(all_o, 1, pos) AS o_list
  FROM ordered o JOIN task_lists USING (task_id)),
means AS (
  SELECT *, tk_pw(e_list) / pos AS e_mean, tk_pw(l_list) / pos AS l_mean, tk_pw(o_list) / pos AS o_mean FROM prefix),
squares AS (
  SELECT *,
         list_transform(e_list, lambda x: (x - e_mean) * (x - e_mean)) AS e_sq,
         list_transform(l_list, lambda x: (x - l_mean) * (x - l_mean)) AS l_sq,
         list_transform(o_list, lambda x: (x - o_mean) * (x - o_mean)) AS o_sq
  FROM means),
stds AS (
  SELECT *, sqrt(tk_pw(e_sq) / pos) AS e_std, sqrt(tk_pw(l_sq) / pos) AS l_std, sqrt(tk_pw(o_sq) / pos) AS o_std
  FROM squares),
raw AS (
  SELECT s.task_id, s.k_attempt, s.k_nth, s.k_idx, s.pos, s.proxy_exec, s.proxy_plan, s.proxy_oss,
         CASE WHEN s.pos >= 2 THEN
           (CASE WHEN s.e_std = 0 THEN 0.0 ELSE (s.proxy_exec - s.e_mean) / s.e_std END)
           - (CASE WHEN s.l_std = 0 THEN 0.0 ELSE (s.proxy_plan - s.l_mean) / s.l_std END)
           - (CASE WHEN s.o_std = 0 THEN 0.0 ELSE (s.proxy_oss - s.o_mean) / s.o_std END)
         ELSE s.proxy_exec - s.proxy_plan - s.proxy_oss END AS raw_pdi
  FROM stds s),
joined AS (
  SELECT p.task_id, p.k_attempt, p.k_nth, p.k_idx, p.attempt, p.has_step, p.archived,
         p.rec_step, p.rec_proxy_exec, p.rec_proxy_plan, p.rec_proxy_oss, p.rec_raw_pdi, p.rec_weight, p.rec_weighted_pdi,
         p.rec_triggered, p.rec_level,
         r.pos, r.proxy_exec, r.proxy_plan, r.proxy_oss, r.raw_pdi, t.warmup, t.threshold, t.enabled
  FROM pdi_pair p
  JOIN pdi_task t ON t.task_id = p.task_id
  LEFT JOIN raw r ON r.task_id = p.task_id AND r.k_attempt IS NOT DISTINCT FROM p.k_attempt AND r.k_nth = p.k_nth
    AND r.k_idx IS NOT DISTINCT FROM p.k_idx),
numbering AS (
  SELECT task_id,
         count(*) FILTER (WHERE has_step AND rec_step IS NOT NULL) > 0
         AND coalesce(bool_and(rec_step = archived - 1) FILTER (WHERE has_step AND rec_step IS NOT NULL), false) AS legacy
  FROM joined GROUP BY task_id),
weighted AS (
  SELECT j.*, n.legacy,
         j.archived AS std_step, least(1.0, j.archived / j.warmup) AS std_weight,
         j.archived - 1 AS leg_step, least(1.0, (j.archived - 1) / j.warmup) AS leg_weight
  FROM joined j JOIN numbering n USING (task_id)),
triggered AS (
  SELECT *, std_weight * raw_pdi AS std_weighted, leg_weight * raw_pdi AS leg_weighted,
         has_step AND enabled AND std_step >= 1 AND std_weight > 0 AND std_weight * raw_pdi < threshold AS std_triggered,
         has_step AND enabled AND leg_step >= 1 AND leg_weight > 0 AND leg_weight * raw_pdi < threshold AS leg_triggered
  FROM weighted),
leveled AS (
  SELECT *,
         CASE WHEN std_triggered THEN CASE WHEN lag(std_triggered) OVER steps THEN 'strong' ELSE 'soft' END END AS std_level,
         CASE WHEN leg_triggered THEN CASE WHEN lag(leg_triggered) OVER steps THEN 'strong' ELSE 'soft' END END AS leg_level
  FROM triggered
  WINDOW steps AS (PARTITION BY task_id, has_step ORDER BY pos))
SELECT task_id, k_attempt, k_nth, k_idx, attempt, pos, has_step, archived, legacy,
       row_number() OVER (PARTITION BY task_id ORDER BY k_idx, k_attempt, k_nth) AS pair_order,
       proxy_exec, proxy_plan, proxy_oss, raw_pdi,
       std_step, std_weight, std_weighted, std_triggered, std_level,
       leg_step, leg_weight, leg_weighted, leg_triggered, leg_level,
       CASE WHEN legacy THEN leg_step ELSE std_step END AS step,
       tk_round4(proxy_exec) AS r_proxy_exec, tk_round4(proxy_plan) AS r_proxy_plan, tk_round4(proxy_oss) AS r_proxy_oss,
       tk_round4(raw_pdi) AS r_raw_pdi,
       tk_round4(CASE WHEN legacy THEN leg_weight ELSE std_weight END) AS r_weight,
       tk_round4(CASE WHEN legacy THEN leg_weighted ELSE std_weighted END) AS r_weighted_pdi,
       CASE WHEN legacy THEN leg_triggered ELSE std_triggered END AS triggered,
       CASE WHEN legacy THEN leg_level ELSE std_level END AS level,
       rec_step, rec_proxy_exec, rec_proxy_plan, rec_proxy_oss, rec_raw_pdi, rec_weight, rec_weighted_pdi, rec_triggered, rec_level
FROM leveled`;
}

/** Per-task settings: the run's own (`attempts.json` `pdi`, else defaults), then the what-if overrides. */
export const APPLY_SETTINGS = `
UPDATE pdi_task t SET
  rec_warmup = coalesce(a.warmup, t.rec_warmup),
  rec_threshold = coalesce(a.threshold, t.rec_threshold),
  enabled = coalesce(a.enabled, t.enabled)
FROM pdi_attempts_settings a WHERE a.task_id = t.task_id AND a.parsed;
UPDATE pdi_task SET warmup = coalesce($warmup, rec_warmup), threshold = coalesce($threshold, rec_threshold);`;

/**
 * Tasks whose input needs a closer look: unparseable or incomplete rows, duplicate events, a
 * reflect without its attempt's (or the previous attempt's) execution_result, and memos of
 * attempts.json that do not line up. The TypeScript reader then re-reads just these tasks
 * to name the file, line and field of each problem.
 */
export const SUSPECT_TASKS = `
SELECT DISTINCT task_id FROM (
  SELECT task_id FROM pdi_event WHERE NOT coalesce(valid, false)
  UNION ALL
  SELECT task_id FROM pdi_attempts_doc WHERE NOT coalesce(valid, false)
  UNION ALL
  SELECT task_id FROM pdi_attempts_settings WHERE NOT parsed
  UNION ALL
  SELECT task_id FROM pdi_event WHERE valid AND type IN ('execution_result', 'reflect_call')
  GROUP BY task_id, type, attempt HAVING count(*) > 1
  UNION ALL
  SELECT r.task_id FROM pdi_event r JOIN pdi_task t ON t.task_id = r.task_id AND t.source = 'trajectory'
  WHERE r.valid AND r.type = 'reflect_call' AND (
    NOT EXISTS (SELECT 1 FROM pdi_event x WHERE x.valid AND x.type = 'execution_result' AND x.task_id = r.task_id AND x.attempt = r.attempt)
    OR (r.attempt > 0 AND NOT EXISTS (SELECT 1 FROM pdi_event x WHERE x.valid AND x.type = 'execution_result'
                                       AND x.task_id = r.task_id AND x.attempt = r.attempt - 1)))
  UNION ALL
  SELECT d.task_id FROM pdi_attempts_doc d JOIN pdi_task t ON t.task_id = d.task_id AND t.source = 'attempts'
  WHERE d.valid AND list_contains(d.memo_history, '')
  UNION ALL
  SELECT task_id FROM pdi_att_walk
  GROUP BY task_id
  HAVING max(CASE WHEN in_walk THEN consumed ELSE 0 END) > max(len(memos))
      OR max(len(memos)) - max(CASE WHEN in_walk THEN consumed ELSE 0 END) > 1
      OR (max(len(memos)) - max(CASE WHEN in_walk THEN consumed ELSE 0 END) = 1
          AND max(memos[len(memos)]) <> '')
  UNION ALL
  SELECT c.task_id FROM pdi_att_walk c
  WHERE c.in_walk AND c.kind = 'reflect' AND c.attempt > 0
    AND NOT EXISTS (SELECT 1 FROM pdi_att_walk p WHERE p.task_id = c.task_id AND p.attempt = c.attempt - 1))`;

/** The record columns the standardized path reads (`content` and `llm_calls` are never read). */
const STANDARD_COLUMNS = ['provenance', 'outcome', 'artifacts', 'pdi', 'details'] as const;

/**
 * Loads the PDI-relevant fields of standardized trajectories (one record per attempt, written by
 * `trajkit import spark`) from `.jsonl` (`parquet = false`) or `.parquet` files, only the
 * columns needed. `file_no` numbers the files of all calls (`$file_offset` + file_index).
 */
/**
 * The PDI-relevant fields of standardized records, straight from the JSON columns: each
 * column parsed once (several paths per json_extract call), texts not yet reduced.
 */
function standardFieldsSql(source: string): string {
  return `
SELECT file_no, json_extract_string(p[1], '$') AS task, TRY_CAST(json_extract_string(p[2], '$') AS DOUBLE) AS attempt,
       json_extract_string(p[3], '$') AS source_file,
       TRY_CAST(json_extract_string(p[4], '$') AS BIGINT) AS line_exec,
       TRY_CAST(json_extract_string(p[5], '$') AS BIGINT) AS line_reflect,
       TRY_CAST(json_extract_string(p[6], '$') AS BIGINT) AS line_snapshot,
       TRY_CAST(json_extract_string(p[7], '$') AS BIGINT) AS att_index,
       json_extract_string(o[1], '$') AS status, json_extract_string(o[2], '$') AS exit_status,
       json_extract_string(o[3], '$') AS test_summary, json_extract_string(o[4], '$') AS error,
       coalesce(json_type(o[5]), 'NULL') <> 'NULL' AS judged,
       list_filter(arts, lambda a: a.name = 'agent_commands')[1].content AS art_commands,
       list_filter(arts, lambda a: a.name = 'memo_before')[1].content AS art_memo_before,
       list_filter(arts, lambda a: a.name = 'memo_after')[1].content AS art_memo_after,
       snap, d[1] AS attempts_json, d[2] AS derived,
       json_transform(d[3], '[{"line": "BIGINT", "set": "JSON", "unset": "VARCHAR[]"}]') AS patches
FROM (
  SELECT ($file_offset + file_index)::INTEGER AS file_no,
         json_extract(provenance, ['$.task', '$.attempt', '$.source_file', '$.extra.lines.execution_result',
                                   '$.extra.lines.reflect_call', '$.extra.lines.pdi_snapshot', '$.extra.attempts_json_index']) AS p,
         json_extract(outcome, ['$.status', '$.exit_status', '$.test_summary', '$.error', '$.extra.result_json']) AS o,
         json_transform(artifacts, '[{"name": "VARCHAR", "content": "VARCHAR"}]') AS arts,
         json_transform(pdi, '{"step": "DOUBLE", "proxy_exec": "DOUBLE", "proxy_plan": "DOUBLE", "proxy_oss": "DOUBLE", "raw_pdi": "DOUBLE",
                               "weight": "DOUBLE", "weighted_pdi": "DOUBLE", "triggered": "BOOLEAN", "level": "VARCHAR"}') AS snap,
         json_extract(details, ['$.spark_attempts_json', '$.spark_attempts_json_derived', '$.spark_event_patches']) AS d
  FROM ${source})`;
}

/**
 * From those fields: each event's fields as the raw line held them (the importer's patch for
 * that line wins), then the text work of eventFeaturesSql. Texts are kept only for tasks
 * imported from attempts.json alone, whose replay needs them.
 */
function standardFeaturesSql(fields: string): string {
  const fromTrajectory = "source_file = 'trajectory.jsonl'";
  return `
SELECT file_no, NULL::INTEGER AS task_id, NULL::VARCHAR AS task_source, task, attempt, source_file,
       line_exec, line_reflect, line_snapshot, att_index, status, judged, snap, attempts_json, derived,
       e_status IS NOT NULL AND e_summary IS NOT NULL AND e_commands IS NOT NULL AS exec_valid,
       r_before IS NOT NULL AND r_after IS NOT NULL AS reflect_valid,
       CASE WHEN line_exec IS NOT NULL THEN tk_tokset(e_commands) END AS t_commands,
       CASE WHEN line_exec IS NOT NULL THEN tk_failed(e_summary) END AS f_summary,
       CASE WHEN line_exec IS NOT NULL THEN tk_failed(tk_stored_summary(e_status, judged, e_error, e_summary)) END AS f_stored,
       CASE WHEN line_reflect IS NOT NULL THEN r_before <> '' END AS has_prev,
       CASE WHEN line_reflect IS NOT NULL THEN facts <> '' END AS has_facts,
       CASE WHEN line_reflect IS NOT NULL THEN tk_tokset(facts) END AS t_facts,
       CASE WHEN line_reflect IS NOT NULL THEN tk_tokset(strategy) END AS t_strategy,
       CASE WHEN line_reflect IS NOT NULL THEN tk_tokset(prev_facts) END AS t_prev_facts,
       CASE WHEN line_reflect IS NOT NULL THEN tk_tokset(prev_strategy) END AS t_prev_strategy,
       CASE WHEN NOT coalesce(${fromTrajectory}, false) THEN coalesce(art_commands, '') END AS a_commands,
       CASE WHEN NOT coalesce(${fromTrajectory}, false) THEN test_summary END AS a_summary,
       CASE WHEN NOT coalesce(${fromTrajectory}, false) THEN art_memo_before END AS a_memo_before,
       CASE WHEN NOT coalesce(${fromTrajectory}, false) THEN art_memo_after END AS a_memo_after
FROM (
  SELECT *,
         CASE WHEN line_reflect IS NOT NULL THEN tk_section(r_after, 'Verified Facts') END AS facts,
         CASE WHEN line_reflect IS NOT NULL THEN tk_section(r_after, 'Next Strategy') END AS strategy,
         CASE WHEN line_reflect IS NOT NULL THEN tk_section(r_before, 'Verified Facts') END AS prev_facts,
         CASE WHEN line_reflect IS NOT NULL THEN tk_section(r_before, 'Next Strategy') END AS prev_strategy
  FROM (
    SELECT *,
           tk_patched(patches, line_exec, 'status', exit_status) AS e_status,
           tk_patched(patches, line_exec, 'test_summary', test_summary) AS e_summary,
           tk_patched(patches, line_exec, 'agent_commands', coalesce(art_commands, '')) AS e_commands,
           tk_patched(patches, line_exec, 'error', coalesce(error, '')) AS e_error,
           tk_patched(patches, line_reflect, 'memo_before', coalesce(art_memo_before, '')) AS r_before,
           tk_patched(patches, line_reflect, 'memo_after', coalesce(art_memo_after, '')) AS r_after
    FROM (${fields})))`;
}

/**
 * Loads standardized trajectories (one record per attempt, written by `trajkit import spark`)
 * from `.jsonl` or `.parquet` files, only the columns PDI needs; `file_no` numbers the files
 * of all calls (`$file_offset` + file_index). With `onePass` the text work runs in the scan
 * (parallel over row groups); otherwise the fields land in `pdi_std_fields` first and
 * {@link STANDARD_FEATURES} reduces them, which bounds memory when a Parquet row group holds
 * thousands of large records (the scan then holds a whole row group's texts).
 */
export function loadStandardSql(parquet: boolean, first: boolean, onePass: boolean): string {
  const source = parquet
    ? `read_parquet($files)`
    : `read_json($files, format = 'newline_delimited', ignore_errors = true, maximum_object_size = ${MAX_LINE_BYTES},
                 columns = {${STANDARD_COLUMNS.map((c) => `${c}: 'JSON'`).join(', ')}})`;
  if (onePass) return `${first ? 'CREATE OR REPLACE TEMP TABLE pdi_std AS' : 'INSERT INTO pdi_std'} ${standardFeaturesSql(standardFieldsSql(source))}`;
  return `${first ? 'CREATE OR REPLACE TEMP TABLE pdi_std_fields AS' : 'INSERT INTO pdi_std_fields'} ${standardFieldsSql(source)}`;
}

/** The second half of a two-pass standardized load (see {@link loadStandardSql}). */
export const STANDARD_FEATURES = `CREATE OR REPLACE TEMP TABLE pdi_std AS ${standardFeaturesSql('SELECT * FROM pdi_std_fields')};
DROP TABLE pdi_std_fields`;

/** Rows of the largest row group among Parquet files, to choose how to load them. */
export const PARQUET_MAX_ROW_GROUP = `SELECT coalesce(max(row_group_num_rows), 0)::BIGINT AS n FROM parquet_metadata($files)`;

/**
 * Registers the tasks found in the standardized records (ids after the raw tasks) and turns the
 * records into the same tables the raw path fills: trajectory events (ordered by their original
 * line) for tasks imported from a trajectory, `attempts.json` documents for tasks imported from
 * `attempts.json` alone, and every task's settings. Fields the importer could not type are read
 * back from `details.spark_event_patches`, so each event is the one the raw file held.
 */
export const INDEX_STANDARD: readonly string[] = [
  `
INSERT INTO pdi_task (task_id, task, dir, source, trajectory_file, attempts_file)
SELECT $task_offset + row_number() OVER (ORDER BY file_no, task) - 1, task, $files[file_no + 1],
       CASE WHEN bool_or(source_file = 'trajectory.jsonl') THEN 'trajectory' ELSE 'attempts' END,
       $files[file_no + 1], $files[file_no + 1]
FROM pdi_std WHERE task IS NOT NULL GROUP BY file_no, task`,
  `
UPDATE pdi_std s SET task_id = t.task_id, task_source = t.source
FROM pdi_task t WHERE t.task = s.task AND t.dir = $files[s.file_no + 1] AND t.task_id >= $task_offset`,
  `
INSERT INTO pdi_event BY NAME
SELECT task_id, type, attempt, status, judged, step, proxy_exec, proxy_plan, proxy_oss, raw_pdi, weight, weighted_pdi, triggered, level,
       CASE type
         WHEN 'execution_result' THEN ${isInt('attempt')} AND exec_valid
         WHEN 'reflect_call' THEN ${isInt('attempt')} AND reflect_valid
         ELSE ${isInt('attempt')} AND ${isInt('step')} AND proxy_exec IS NOT NULL AND proxy_plan IS NOT NULL
           AND proxy_oss IS NOT NULL AND raw_pdi IS NOT NULL AND weight IS NOT NULL AND weighted_pdi IS NOT NULL
           AND triggered IS NOT NULL AND (level IS NULL OR level IN ('soft', 'strong'))
       END AS valid,
       t_commands, f_summary, f_stored, has_prev, has_facts, t_facts, t_strategy, t_prev_facts, t_prev_strategy
FROM (
  SELECT task_id, line_exec AS line, 'execution_result' AS type, attempt, NULL::VARCHAR AS status, judged, exec_valid, NULL::BOOLEAN AS reflect_valid,
         NULL::DOUBLE AS step, NULL::DOUBLE AS proxy_exec, NULL::DOUBLE AS proxy_plan, NULL::DOUBLE AS proxy_oss, NULL::DOUBLE AS raw_pdi,
         NULL::DOUBLE AS weight, NULL::DOUBLE AS weighted_pdi, NULL::BOOLEAN AS triggered, NULL::VARCHAR AS level,
         t_commands, f_summary, f_stored, NULL::BOOLEAN AS has_prev, NULL::BOOLEAN AS has_facts,
         NULL::VARCHAR[] AS t_facts, NULL::VARCHAR[] AS t_strategy, NULL::VARCHAR[] AS t_prev_facts, NULL::VARCHAR[] AS t_prev_strategy
  FROM pdi_std WHERE task_source = 'trajectory' AND line_exec IS NOT NULL
  UNION ALL BY NAME
  SELECT task_id, line_reflect AS line, 'reflect_call' AS type, attempt, reflect_valid,
         has_prev, has_facts, t_facts, t_strategy, t_prev_facts, t_prev_strategy
  FROM pdi_std WHERE task_source = 'trajectory' AND line_reflect IS NOT NULL
  UNION ALL BY NAME
  SELECT task_id, line_snapshot AS line, 'pdi_snapshot' AS type, attempt, snap.step AS step, snap.proxy_exec AS proxy_exec,
         snap.proxy_plan AS proxy_plan, snap.proxy_oss AS proxy_oss, snap.raw_pdi AS raw_pdi, snap.weight AS weight,
         snap.weighted_pdi AS weighted_pdi, snap.triggered AS triggered, snap.level AS level
  FROM pdi_std WHERE task_source = 'trajectory' AND line_snapshot IS NOT NULL
  -- rows keep this order in the table, so rowid orders a task's events by their original line
  ORDER BY task_id, line)`,
  `
INSERT INTO pdi_attempts_settings (task_id, parsed, enabled, warmup, threshold)
SELECT task_id, true, TRY_CAST(json_extract_string(attempts_json, '$.pdi.enabled') AS BOOLEAN),
       TRY_CAST(json_extract_string(attempts_json, '$.pdi.warmup') AS DOUBLE),
       TRY_CAST(json_extract_string(attempts_json, '$.pdi.threshold') AS DOUBLE)
FROM pdi_std WHERE attempts_json IS NOT NULL`,
  `
INSERT INTO pdi_attempts_doc (task_id, exploration_memo, memo_history, attempts, pdi, valid)
WITH per_task AS (
  SELECT task_id,
         any_value(attempts_json) FILTER (WHERE attempts_json IS NOT NULL) AS doc,
         any_value(derived) FILTER (WHERE derived IS NOT NULL) AS derived,
         list({'attempt': attempt, 'status': status, 'agent_commands': a_commands, 'test_summary': a_summary}
              ORDER BY att_index) FILTER (WHERE att_index IS NOT NULL) AS rebuilt_attempts,
         list(a_memo_before ORDER BY attempt) FILTER (WHERE a_memo_before IS NOT NULL) AS rebuilt_history,
         arg_max(coalesce(a_memo_after, ''), attempt) FILTER (WHERE line_reflect IS NOT NULL) AS rebuilt_memo,
         list(snap ORDER BY attempt) FILTER (WHERE snap IS NOT NULL) AS rebuilt_pdi_history
  FROM pdi_std WHERE task_source = 'attempts' GROUP BY task_id),
fields AS (
  SELECT task_id, doc,
         CASE WHEN list_contains(json_transform(derived, '["VARCHAR"]'), 'exploration_memo') THEN coalesce(rebuilt_memo, '')
              ELSE json_extract_string(doc, '$.exploration_memo') END AS exploration_memo,
         CASE WHEN list_contains(json_transform(derived, '["VARCHAR"]'), 'memo_history') THEN coalesce(rebuilt_history, [])
              ELSE json_transform(json_extract(doc, '$.memo_history'), '["VARCHAR"]') END AS memo_history,
         CASE WHEN json_exists(doc, '$.attempts')
              THEN json_transform(json_extract(doc, '$.attempts'), '[{"attempt": "DOUBLE", "status": "VARCHAR", "agent_commands": "VARCHAR", "test_summary": "VARCHAR"}]')
              ELSE rebuilt_attempts END AS attempts,
         {'enabled': TRY_CAST(json_extract_string(doc, '$.pdi.enabled') AS BOOLEAN),
          'warmup': TRY_CAST(json_extract_string(doc, '$.pdi.warmup') AS DOUBLE),
          'threshold': TRY_CAST(json_extract_string(doc, '$.pdi.threshold') AS DOUBLE),
          'history': CASE WHEN list_contains(json_transform(derived, '["VARCHAR"]'), 'pdi.history') THEN rebuilt_pdi_history
                          ELSE json_transform(json_extract(doc, '$.pdi.history'), '[{"step": "DOUBLE", "proxy_exec": "DOUBLE", "proxy_plan": "DOUBLE",
                            "proxy_oss": "DOUBLE", "raw_pdi": "DOUBLE", "weight": "DOUBLE", "weighted_pdi": "DOUBLE", "triggered": "BOOLEAN", "level": "VARCHAR"}]') END}
           AS pdi
  FROM per_task)
SELECT task_id, exploration_memo, memo_history, attempts, pdi,
  doc IS NOT NULL AND exploration_memo IS NOT NULL AND memo_history IS NOT NULL AND attempts IS NOT NULL
  AND coalesce(list_bool_and(list_transform(memo_history, lambda m: m IS NOT NULL)), true)
  AND coalesce(list_bool_and(list_transform(attempts, lambda a: ${isInt('a.attempt')} AND a.status IS NOT NULL
        AND a.agent_commands IS NOT NULL AND a.test_summary IS NOT NULL)), true)
FROM fields`,
];

/** A field of a standardized event as the raw line held it: the importer's patch for that line wins. */
export const PATCH_MACRO = `CREATE OR REPLACE TEMP MACRO tk_patched(patches, line, field, typed) AS CASE
  WHEN list_contains(coalesce(list_filter(patches, lambda p: p.line = line)[1].unset, []), field) THEN NULL
  WHEN json_exists(list_filter(patches, lambda p: p.line = line)[1].set, '$."' || field || '"')
    THEN json_extract_string(list_filter(patches, lambda p: p.line = line)[1].set, '$."' || field || '"')
  ELSE typed END`;

/** Lowercases each given code point with DuckDB's `lower()` (one row per code point, in order). */
export const DUCKDB_LOWER = `SELECT cp::INTEGER AS cp, '<' || lower(chr(cp::INTEGER)) AS lowered FROM (SELECT unnest($cps) AS cp)`;
