import type { Severity } from '../engine/finding.js';

/** ANSI styling that disappears entirely when colour is off (NO_COLOR, --no-color, pipes). */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  severity(severity: Severity, s: string): string;
  ok(s: string): string;
}

const code = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function createStyle(color: boolean): Style {
  if (!color) {
    const plain = (s: string) => s;
    return { bold: plain, dim: plain, severity: (_severity, s) => s, ok: plain };
  }
  const colours: Record<Severity, (s: string) => string> = { critical: code(31, 39), warning: code(33, 39), info: code(36, 39) };
  return { bold: code(1, 22), dim: code(2, 22), severity: (severity, s) => colours[severity](s), ok: code(32, 39) };
}

/** Colour by default only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
