import type { Report } from '../engine/report.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

/** The plain (non-interactive) formats. The TUI is loaded separately, only when it runs. */
export const PLAIN_FORMATS = ['text', 'json', 'markdown'] as const;
export type PlainFormat = (typeof PLAIN_FORMATS)[number];

export function renderPlain(format: PlainFormat, report: Report, options: { color: boolean }): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'text':
      return renderText(report, { color: options.color });
  }
}
