import { renderPolicyReport } from '../audit/policy-report.js';
import type { Report } from '../engine/report.js';
import type { FindingCatalogue } from './catalogue.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

/** The plain (non-interactive) formats. The TUI is loaded separately, only when it runs. */
export const PLAIN_FORMATS = ['text', 'json', 'markdown', 'junit', 'sarif', 'policyreport'] as const;
export type PlainFormat = (typeof PLAIN_FORMATS)[number];

export function isPlainFormat(value: string): value is PlainFormat {
  return (PLAIN_FORMATS as readonly string[]).includes(value);
}

export interface RenderOptions {
  color: boolean;
  /** The checks' finding codes; SARIF lists them as its rules. */
  catalogue?: FindingCatalogue;
}

export function renderPlain(format: PlainFormat, report: Report, options: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report);
    case 'sarif':
      return renderSarif(report, options.catalogue ?? []);
    case 'text':
      return renderText(report, { color: options.color });
    case 'policyreport':
      return renderPolicyReport(report);
  }
}
