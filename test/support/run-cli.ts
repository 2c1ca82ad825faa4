import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process with captured output, as a user's shell would see it. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true) },
    stdin: { isTTY: false },
    env: { ...env },
  });
  return { code, stdout, stderr };
}
