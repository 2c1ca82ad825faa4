import { Text } from 'ink';
import { createContext, useContext } from 'react';
import type { Severity } from '../engine/finding.js';
import { SEVERITY_WIDTH } from './detail-lines.js';

/** Whether colour is on (off with NO_COLOR or --no-color). Decided once by the CLI. */
export const ColorContext = createContext(true);

export function useColor(): boolean {
  return useContext(ColorContext);
}

const SEVERITY_COLORS: Record<Severity, string> = { critical: 'red', warning: 'yellow', info: 'cyan' };

/** An ink colour name, or undefined so that no colour escape is written when colour is off. */
export function severityColor(severity: Severity, color: boolean): string | undefined {
  return color ? SEVERITY_COLORS[severity] : undefined;
}

/** The severity as a word, padded to one column: it survives monochrome terminals and screen readers. */
export function SeverityLabel({ severity }: { severity: Severity }) {
  const color = useColor();
  return (
    <Text color={severityColor(severity, color)} bold={severity === 'critical'}>
      {severity.padEnd(SEVERITY_WIDTH)}
    </Text>
  );
}
