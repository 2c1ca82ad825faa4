import { describe, expect, it } from 'vitest';
import { interactiveWanted } from './launch.js';

describe('interactiveWanted', () => {
  it.each([
    { stdin: true, stdout: true, output: false, wanted: true },
    { stdin: true, stdout: false, output: false, wanted: false }, // eks-doctor diagnose | cat
    { stdin: false, stdout: true, output: false, wanted: false }, // input from a pipe or CI
    { stdin: true, stdout: true, output: true, wanted: false }, // --output json in a terminal
  ])('stdin TTY $stdin, stdout TTY $stdout, --output $output: $wanted', ({ stdin, stdout, output, wanted }) => {
    expect(interactiveWanted({ stdin: { isTTY: stdin }, stdout: { isTTY: stdout } }, output)).toBe(wanted);
  });
});
