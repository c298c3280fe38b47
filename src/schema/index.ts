/**
 * trajkit's schema: zod models of every ADP era, trajkit 1.6.0, ATIF-v1.7 and dataset
 * metadata, and the record validator other modules call.
 */
export * from './validate-record.js';
export { formatPath, type PathSegments, type RuleFinding } from './record-issue.js';

export * from './adp-eras.js';
export * from './code-languages.js';
export {
  BoundingBox,
  CONTENT_CLASSES,
  ImageAnnotation,
  LegacyObservationSource,
  normalizeObservationSource,
  OBSERVATION_CLASSES,
  OBSERVATION_SOURCES,
  ObservationSource,
  OLD_SOURCE_SPELLINGS,
  PortableImageRef,
  TOOL_ACTION_CLASSES,
  type ContentClass,
} from './content-items.js';
export { checkToolCallLinks, backfillToolCallIds } from './tool-call-links.js';
export { checkAvailableCodeLanguages } from './adp-checks.js';
export type { AdpEraModel } from './era-model.js';
export { JSON_SCHEMA_FILES, NOT_IN_JSON_SCHEMA, renderJsonSchemaFiles, toJsonSchemaDocument, type JsonSchemaFile } from './json-schema.js';

export * from './eras/unversioned.js';
export * from './eras/v1-0.js';
export * from './eras/v1-1.js';
export * from './eras/v1-2.js';
export * from './eras/v1-3.js';
export * from './eras/v1-4.js';
export * from './eras/v1-5.js';
export * from './eras/v1-6.js';

export * from './atif.js';
export * from './dataset-metadata.js';

export * from './provenance.js';
export * from './outcome.js';
export * from './task.js';
export * from './tool-spec.js';
export * from './artifact.js';
export * from './llm-call.js';
export * from './pdi-snapshot.js';
export * from './details-origin.js';
