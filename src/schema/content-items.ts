import { z } from 'zod';
import { CodeLanguage } from './code-languages.js';
import { describeValue, listOr, requiredNullableError, ruleError, ruleParams } from './issue-text.js';
import { withJsonSchema } from './json-schema-extras.js';

/**
 * Building blocks of ADP content items (spec §3), shared by every era. An era picks its
 * unknown-key policy, its base fields and its `source` values, and `buildContentItems` makes
 * the six classes and their `class_`-discriminated union from them.
 */

/** The `source` of text and image observations. */
export const OBSERVATION_SOURCES = ['user', 'agent', 'environment'] as const;

/**
 * Old `source` spellings seen in unversioned files, and what readers map them to.
 * `system` also implies `name: "system"` (the system prompt's home).
 */
export const OLD_SOURCE_SPELLINGS = { user_msg: 'user', assistant: 'agent', system: 'environment' } as const;

type ObservationSourceValue = (typeof OBSERVATION_SOURCES)[number];

function isOldSpelling(value: unknown): value is keyof typeof OLD_SOURCE_SPELLINGS {
  return typeof value === 'string' && Object.hasOwn(OLD_SOURCE_SPELLINGS, value);
}

/** `source` as written from ADP 1.0.0 on. */
export const ObservationSource = z
  .enum(OBSERVATION_SOURCES, {
    error: (issue) => {
      if (isOldSpelling(issue.input)) {
        const stamp = issue as { params?: Record<string, unknown> };
        stamp.params = ruleParams('old_source_spelling');
        return `"${issue.input}" is an old source spelling, accepted only in unversioned ADP; write "${OLD_SOURCE_SPELLINGS[issue.input]}"${issue.input === 'system' ? ' with name "system"' : ''}`;
      }
      return undefined;
    },
  })
  .meta({ id: 'ObservationSource' });

/** `source` in unversioned files, where old spellings still occur. */
export const LegacyObservationSource = z
  .enum([...OBSERVATION_SOURCES, ...(Object.keys(OLD_SOURCE_SPELLINGS) as (keyof typeof OLD_SOURCE_SPELLINGS)[])])
  .meta({ id: 'LegacyObservationSource' });

/** Maps an old `source` spelling to the current one; other values pass through. */
export function normalizeObservationSource(source: string): ObservationSourceValue | string {
  return isOldSpelling(source) ? OLD_SOURCE_SPELLINGS[source] : source;
}

/** A bounding box; extra keys are tolerated, as ADP did. */
export const BoundingBox = z
  .looseObject({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .meta({ id: 'BoundingBox' });

/** One annotated element of an image; extra keys are tolerated, as ADP did. */
export const ImageAnnotation = z
  .looseObject({
    element_type: z.string(),
    bounding_box: BoundingBox,
    text: z.string({ error: requiredNullableError('a string') }).nullable(),
    content_description: z.string().nullish(),
    clickable: z.boolean().nullish(),
    editable: z.boolean().nullish(),
  })
  .meta({ id: 'ImageAnnotation' });

/**
 * Not an absolute POSIX path, Windows drive or UNC path, or `file:` URL. Written as a regex so
 * JSON Schema carries the same rule as a `pattern`.
 */
const PORTABLE_REF = /^(?!\/|[A-Za-z]:[\\/]|\\\\|[Ff][Ii][Ll][Ee]:)/;

/** Image `content`: a relative path, a `data:` URI or a `scheme://` URL other than `file://`. */
export const PortableImageRef = z
  .string()
  .regex(PORTABLE_REF, {
    error: ruleError(
      'non_portable_image',
      (issue) =>
        `image content must be portable (a relative path, a data: URI or a URL other than file://), found ${describeValue(issue.input)}`,
    ),
  })
  .meta({ id: 'PortableImageRef' });

const actionBaseFields = {
  reasoning_content: z.string().nullish(),
  reward: z.number().nullish(),
};

/** Base fields of actions before 1.3.0 (late unversioned records already carry them as null). */
export const legacyActionBase = actionBaseFields;
/** Base fields of observations before 1.3.0. */
export const legacyObservationBase = { reward: z.number().nullish() };

const toolCallId = z.string().nullish();

/** Base fields of `api_action` / `code_action` from 1.3.0: a tool call id, then the legacy ones. */
export const linkedActionBase = { tool_call_id: toolCallId, ...actionBaseFields };
/** Base fields of `message_action` from 1.3.0: a message is never a tool call (link rule 2). */
export const linkedMessageActionBase = {
  tool_call_id: z
    .null({
      error: ruleError(
        'message_action_tool_call_id',
        (issue) =>
          `message_action never has a tool_call_id (it is not a tool call), found ${describeValue(issue.input)}`,
      ),
    })
    .optional(),
  ...actionBaseFields,
};
/** Base fields of observations from 1.3.0. */
export const linkedObservationBase = { tool_call_id: toolCallId, reward: z.number().nullish() };

/** Unknown-key policy of an era's content items. */
export type KeyPolicy = 'ignore' | 'reject';
type ObjectConfig<P extends KeyPolicy> = P extends 'reject' ? z.core.$strict : z.core.$loose;

function eraObject<P extends KeyPolicy, S extends z.core.$ZodLooseShape>(
  policy: P,
  shape: S,
  params?: { error: z.core.$ZodErrorMap },
): z.ZodObject<S, ObjectConfig<P>> {
  // "ignore" keeps unknown keys (looseObject) rather than stripping them: trajkit never drops
  // data silently; validateRecord reports them as warnings instead.
  const object = policy === 'reject' ? z.strictObject(shape, params) : z.looseObject(shape, params);
  return object as unknown as z.ZodObject<S, ObjectConfig<P>>;
}

/** The content classes, in the order ADP's union listed them. */
export const CONTENT_CLASSES = [
  'api_action',
  'code_action',
  'message_action',
  'text_observation',
  'image_observation',
  'web_observation',
] as const;
export type ContentClass = (typeof CONTENT_CLASSES)[number];
/** Classes that are tool calls (the link rules' "tool actions"). */
export const TOOL_ACTION_CLASSES: ReadonlySet<string> = new Set(['api_action', 'code_action']);
/** Classes that are observations. */
export const OBSERVATION_CLASSES: ReadonlySet<string> = new Set([
  'text_observation',
  'image_observation',
  'web_observation',
]);

/** Link rule 6 (1.3.0+): a text observation with a tool_call_id is a tool result, not user input. */
function checkLinkedResultSource(item: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  // Runs on broken items too (see `when` below), so the value may not even be an object.
  if (typeof item !== 'object' || item === null) return;
  const { tool_call_id: linked, source } = item as { tool_call_id?: unknown; source?: unknown };
  if (typeof linked !== 'string' || source !== 'user') return;
  ctx.addIssue({
    code: 'custom',
    path: ['source'],
    params: ruleParams('linked_result_user_source'),
    message: `a text_observation with a tool_call_id ("${linked}") is a tool result and cannot have source "user" (use "environment")`,
  });
}

interface ContentItemOptions<
  P extends KeyPolicy,
  AB extends z.core.$ZodLooseShape,
  MB extends z.core.$ZodLooseShape,
  OB extends z.core.$ZodLooseShape,
  S extends z.ZodType<string>,
> {
  /** Suffix of the `$defs` ids, e.g. "V1_3". */
  idSuffix: string;
  unknownKeys: P;
  actionBase: AB;
  messageActionBase: MB;
  observationBase: OB;
  source: S;
  /** Link rule 6: a text observation with a tool_call_id is a tool result, not user input. */
  linkedResultSourceRule: boolean;
}

/** Builds the six content classes and their union for one era. */
export function buildContentItems<
  P extends KeyPolicy,
  AB extends z.core.$ZodLooseShape,
  MB extends z.core.$ZodLooseShape,
  OB extends z.core.$ZodLooseShape,
  S extends z.ZodType<string>,
>(o: ContentItemOptions<P, AB, MB, OB, S>) {
  const id = (name: string) => `${name}${o.idSuffix}`;

  const ApiAction = eraObject(o.unknownKeys, {
    ...o.actionBase,
    class_: z.literal('api_action'),
    function: z.string(),
    kwargs: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
  }).meta({ id: id('ApiAction'), description: 'A call of a named tool with keyword arguments.' });

  const CodeAction = eraObject(o.unknownKeys, {
    ...o.actionBase,
    class_: z.literal('code_action'),
    language: CodeLanguage,
    content: z.string(),
    description: z.string({ error: requiredNullableError('a string') }).nullable(),
  }).meta({ id: id('CodeAction'), description: 'Code the agent runs; description is required but may be null.' });

  const MessageAction = eraObject(o.unknownKeys, {
    ...o.messageActionBase,
    class_: z.literal('message_action'),
    content: z.string(),
    description: z.string().nullish(),
  }).meta({ id: id('MessageAction'), description: 'A message to the user; a final answer is wrapped <finish> … </finish>.' });

  const textShape = {
    ...o.observationBase,
    class_: z.literal('text_observation'),
    content: z.string(),
    name: z.string().nullish(),
    source: o.source,
  };
  let TextObservation = eraObject(o.unknownKeys, textShape);
  if (o.linkedResultSourceRule) {
    // `when`: also when other fields of the item are broken; the rule reads only two keys.
    TextObservation = TextObservation.superRefine(checkLinkedResultSource, { when: () => true });
  }
  const TextObservationFinal = TextObservation.meta({
    id: id('TextObservation'),
    description: 'Text from the user, the agent or the environment; a system prompt has source "environment" and name "system".',
  });
  if (o.linkedResultSourceRule) {
    withJsonSchema(TextObservationFinal, {
      if: { required: ['tool_call_id'], properties: { tool_call_id: { type: 'string' } } },
      then: { properties: { source: { not: { const: 'user' } } } },
    });
  }

  const imageFields = {
    content: PortableImageRef,
    annotations: z.array(ImageAnnotation).nullish(),
    source: o.source,
  };
  const ImageObservation = eraObject(o.unknownKeys, {
    ...o.observationBase,
    class_: z.literal('image_observation'),
    ...imageFields,
  }).meta({ id: id('ImageObservation'), description: 'An image by portable path or URL, with optional annotations.' });

  // Inside a web observation the image is typed, not discriminated, so class_ may be absent.
  const EmbeddedImageObservation = eraObject(
    o.unknownKeys,
    { ...o.observationBase, class_: z.literal('image_observation').optional(), ...imageFields },
    { error: requiredNullableError('an image_observation object') },
  ).meta({ id: id('EmbeddedImageObservation') });

  const viewport = z.tuple([z.number().int(), z.number().int()], { error: requiredNullableError('[width, height]') });
  const WebObservation = eraObject(o.unknownKeys, {
    ...o.observationBase,
    class_: z.literal('web_observation'),
    html: z.string({ error: requiredNullableError('a string') }).nullable(),
    axtree: z.string().nullish(),
    url: z.string({ error: requiredNullableError('a string') }).nullable(),
    image_observation: EmbeddedImageObservation.nullable(),
    viewport_size: viewport.nullable(),
  }).meta({ id: id('WebObservation'), description: 'A browser state; html, url, image_observation and viewport_size are required but may be null.' });

  const ContentItem = z
    .discriminatedUnion('class_', [ApiAction, CodeAction, MessageAction, TextObservationFinal, ImageObservation, WebObservation])
    .meta({ id: id('ContentItem'), description: `One content item; class_ is ${listOr(CONTENT_CLASSES)}.` });

  return {
    ApiAction,
    CodeAction,
    MessageAction,
    TextObservation: TextObservationFinal,
    ImageObservation,
    WebObservation,
    ContentItem,
  };
}
