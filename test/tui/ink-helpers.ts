/** Keys as a terminal sends them. */
export const KEYS = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  backspace: '\u007f',
} as const;

interface Rendered {
  lastFrame: () => string | undefined;
  stdin: { write: (data: string) => void };
}

/**
 * Waits until the rendered frame satisfies `seen`, and returns it. ink renders asynchronously after
 * input and after a runner's promise settles; tests wait for what a person would see, never for a
 * fixed time.
 */
export async function frameWhere(instance: Rendered, seen: (frame: string) => boolean, what: string): Promise<string> {
  // A generous bound: the machines running the tests are shared and sometimes very busy.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const frame = instance.lastFrame() ?? '';
    if (seen(frame)) return frame;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the screen never showed ${what}; last frame:\n${instance.lastFrame() ?? ''}`);
}

export function frameWith(instance: Rendered, text: string): Promise<string> {
  return frameWhere(instance, (f) => f.includes(text), JSON.stringify(text));
}

export function frameWithout(instance: Rendered, text: string): Promise<string> {
  return frameWhere(instance, (f) => !f.includes(text), `no ${JSON.stringify(text)}`);
}

/** Sends a key and lets ink's input handling and React's update run before the next assertion. */
export async function press(instance: Rendered, key: string): Promise<void> {
  instance.stdin.write(key);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
