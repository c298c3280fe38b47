import { z } from 'zod';

/** Normalised trajectory-level status. Datasets' own status strings are kept in `exit_status`. */
export const OutcomeStatus = z.enum(['PASS', 'FAIL', 'PARTIAL', 'ERROR', 'INFRA_ERROR']).meta({ id: 'OutcomeStatus' });

/**
 * How the trajectory ended, at trajectory level (ADP has only per-action `reward`).
 * Replaces `details.resolved`, `reward`, `exit_status`, `session_success`, `test_result`, ….
 */
export const Outcome = z
  .object({
    status: OutcomeStatus.optional(),
    success: z.boolean().optional().describe('Whether the task counts as solved (resolved, session_success).'),
    reward: z.number().optional().describe('Trajectory-level reward, usually in [0, 1].'),
    score: z.number().optional().describe('A dataset score that is not a reward.'),
    exit_status: z.string().optional().describe("The dataset's own status label, verbatim (e.g. \"submitted\", \"ERROR\")."),
    tests_passed: z.number().int().nonnegative().optional(),
    tests_total: z.number().int().nonnegative().optional(),
    test_summary: z.string().optional().describe('Human-readable summary of the verifier result.'),
    verifier_output: z.string().optional().describe('Raw verifier / test output.'),
    feedback: z.string().optional().describe('Evaluator feedback text.'),
    polarity: z.string().optional().describe('Preference label, e.g. "positive" / "negative".'),
    error: z.string().optional().describe('Error message when the run failed for a reason other than the task.'),
    eval_artifact: z.string().optional().describe('Name of the artifact holding the evaluation logs.'),
    extra: z.record(z.string(), z.unknown()).optional().describe('Outcome facts with no field of their own.'),
  })
  .strict()
  .meta({ id: 'Outcome' });

export type Outcome = z.infer<typeof Outcome>;
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;
