import { z } from 'zod';

/**
 * The receipt of one `details` key moved into a typed field by migration. Down-conversion to
 * 1.5.0 puts `raw` (or the typed value, when `raw` is absent because it was equal) back under
 * `key`, so 1.5.0 → 1.6.0 → 1.5.0 is the identity.
 */
export const DetailsOrigin = z
  .object({
    key: z.string().describe('The original details key, spelled as found.'),
    field: z.string().describe('Dot path of the typed field it moved to, e.g. "provenance.split".'),
    raw: z.unknown().optional().describe('The original value, when it differs from the typed value (e.g. "True").'),
  })
  .strict()
  .meta({ id: 'DetailsOrigin' });

export type DetailsOrigin = z.infer<typeof DetailsOrigin>;
