import type { FindingCode } from '../engine/diagnostic.js';

/**
 * What a renderer may know about the checks beyond the report: their finding codes. A structural
 * subset of Diagnostic, so the registry's list can be passed as it is.
 */
export type FindingCatalogue = readonly { id: string; title: string; docs: string[]; codes: Record<string, FindingCode> }[];
