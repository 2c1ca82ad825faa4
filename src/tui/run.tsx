import { render } from 'ink';
import { EXIT_COULD_NOT_CHECK } from '../engine/exit-code.js';
import { summaryLine } from '../render/sections.js';
import { App, type QuitOutcome } from './App.js';
import { osc52 } from './clipboard.js';
import type { TuiOptions } from './launch.js';
import { LEAVE_ALTERNATE_SCREEN, takeOverFirstFrame } from './first-frame.js';
import { ColorContext } from './theme.js';


export interface TuiStreams {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Runs the UI until `q`; then prints the one-line summary (stderr) and any fix commands asked for
 * (stdout, raw and unwrapped, so they can be copied whole), and returns the exit code the last full
 * report earns, as the plain path would.
 */
export async function runTui(options: TuiOptions, streams: TuiStreams): Promise<number> {
  const { stdout, stderr } = streams;
  let outcome: QuitOutcome = { print: [] };
  const leave = () => stdout.write(LEAVE_ALTERNATE_SCREEN);
  // The first frame (drawn before the heavy modules loaded) is on screen: ink draws over it from the top.
  takeOverFirstFrame(stdout);
  // Whatever happens, the shell must get its screen back.
  process.once('exit', leave);
  const instance = render(
    <ColorContext.Provider value={options.color}>
      <App
        runner={options.runner}
        target={options.target}
        {...(options.watchSeconds ? { watchSeconds: options.watchSeconds } : {})}
        {...(options.waitLimits ? { waitLimits: options.waitLimits } : {})}
        copy={(text) => stdout.write(osc52(text))}
        onQuit={(o) => {
          outcome = o;
        }}
      />
    </ColorContext.Provider>,
    { stdin: streams.stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: true },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('exit', leave);
    leave();
  }
  const report = outcome.fullReport;
  const code = report ? options.exitCode(report) : EXIT_COULD_NOT_CHECK;
  stderr.write(report ? `eks-doctor: ${report.cluster.name}: ${summaryLine(report)} (exit ${code})\n` : `eks-doctor: quit before the diagnosis finished (exit ${code})\n`);
  for (const command of outcome.print) stdout.write(`${command}\n`);
  return code;
}
