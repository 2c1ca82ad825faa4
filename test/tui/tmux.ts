import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A real terminal for end-to-end tests: a pane of a private tmux server (its own socket, so a
 * developer's tmux is never touched) at a fixed size, driven with send-keys and read with
 * capture-pane, as a person would type and read.
 */
export class TmuxTerminal {
  private readonly socket = `eks-doctor-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly config: string;

  constructor(workDir: string) {
    // set-clipboard on: an application's OSC 52 lands in tmux's paste buffer, where the test reads it.
    this.config = join(workDir, `tmux-${this.socket}.conf`);
    writeFileSync(this.config, 'set -g set-clipboard on\nset -g status off\nset -g history-limit 5000\n');
  }

  /** Why tmux cannot be used here, or undefined when it can. */
  static unavailable(): string | undefined {
    const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    if (probe.error) return `tmux is not installed (${probe.error.message})`;
    if (probe.status !== 0) return `tmux -V failed: ${probe.stderr.trim()}`;
    return undefined;
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', this.config, ...args], { encoding: 'utf8', env: terminalEnvironment() });
  }

  /** Starts `command` (a shell command line) in a new session of exactly columns x rows. */
  start(command: string, size: { columns: number; rows: number }, cwd: string): void {
    this.tmux(['new-session', '-d', '-s', 'e2e', '-x', String(size.columns), '-y', String(size.rows), '-c', cwd, command]);
  }

  /** Sends keys by tmux name (Enter, Escape, Tab, Down) or as literal text (-l). */
  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'e2e', ...keys]);
  }

  type(text: string): void {
    this.tmux(['send-keys', '-t', 'e2e', '-l', text]);
  }

  /** What is on the screen now; `joined` undoes the terminal's soft wrapping of long lines. */
  screen(joined = false): string {
    return this.tmux(['capture-pane', '-p', '-t', 'e2e', ...(joined ? ['-J'] : [])]);
  }

  /** The screen with its colours and attributes as escape sequences (capture-pane -e). */
  screenWithAttributes(): string {
    return this.tmux(['capture-pane', '-p', '-e', '-t', 'e2e']);
  }

  /** The paste buffer: what the last OSC 52 put on the clipboard. */
  clipboard(): string {
    return this.tmux(['show-buffer']);
  }

  /**
   * Waits until the screen satisfies `seen` and is settled (the same in two captures 100 ms
   * apart): a capture can catch a redraw half done, and a key sent then may reach the program
   * glued to the previous one (Esc then / arrives as Alt-/).
   */
  async waitFor(seen: (screen: string) => boolean, what: string, joined = false, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    let previous: string | undefined;
    while (Date.now() < deadline) {
      screen = this.screen(joined);
      if (seen(screen) && screen === previous) return screen;
      previous = screen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the terminal never showed ${what}; it shows:\n${screen}`);
  }

  waitForText(text: string, joined = false): Promise<string> {
    return this.waitFor((s) => s.includes(text), JSON.stringify(text), joined);
  }

  /** Sends keys, then waits for their effect: keys are never timed, only their result is awaited. */
  async press(key: string, effect: string | ((screen: string) => boolean)): Promise<string> {
    this.keys(key);
    return typeof effect === 'string' ? this.waitForText(effect) : this.waitFor(effect, `the effect of ${key}`);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The environment of a person's terminal: without the CI markers, which make ink draw nothing
 * until the app exits (CI runs `.ci/run` with CI=true, but the UI under test runs in a real tmux
 * terminal). The tmux server started by these commands passes it on to the panes.
 */
function terminalEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) delete env[key];
  return env;
}

/** A command line for tmux that runs `script` in sh, prints its exit code and keeps the pane open to read it. */
export function shellScript(script: string): string {
  return `sh -c ${shellQuote(`${script}; echo "EKS_DOCTOR_EXIT=$?"; exec sleep 3600`)}`;
}

/** shellScript for one command, with environment variables set for it. */
export function shellLine(argv: string[], env: Record<string, string> = {}): string {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  return shellScript([...assignments, ...argv.map(shellQuote)].join(' '));
}
