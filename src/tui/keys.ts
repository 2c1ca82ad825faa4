/** The keys, in one place: the help screen, the hint bar and docs/tui.md say the same thing. */
export const KEY_HELP: { keys: string; action: string }[] = [
  { keys: '↑ ↓ / k j', action: 'move through the findings; in a finding, scroll' },
  { keys: 'PgUp PgDn, g G', action: 'a page up or down, to the top or the bottom' },
  { keys: 'Enter', action: 'open the selected finding, or check that could not run' },
  { keys: 'Esc', action: 'back; in the list, clear filter and search, then leave a partial view' },
  { keys: 'Tab', action: 'in a finding: select the next fix command' },
  { keys: 'c', action: 'copy the selected fix command to the clipboard (OSC 52)' },
  { keys: 'p', action: "quit and print the steps of the selected fix way, unwrapped" },
  { keys: 'P', action: 'quit and print the recommended fix of every finding listed' },
  { keys: 's', action: 'filter by severity: critical, warning, info, all' },
  { keys: 'f', action: 'filter by check (cycles through checks with findings); in a finding: to FIX' },
  { keys: '/', action: 'search titles and resources; Enter keeps it, Esc clears it' },
  { keys: 't', action: 'timeline: what changed before the diagnosis, newest first' },
  // One line for both re-checks: the help fits 80x24 with the timeline's key.
  { keys: 'r, R', action: "re-check everything; R: only the selected finding's check (Esc leaves it)" },
  { keys: '?', action: 'show or hide this help' },
  { keys: 'q', action: 'quit with the exit code the report earns' },
];
