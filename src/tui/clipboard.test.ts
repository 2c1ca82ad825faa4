import { expect, it } from 'vitest';
import { osc52 } from './clipboard.js';

it('wraps the text, base64-encoded, in an OSC 52 clipboard sequence', () => {
  const command = "kubectl -n kube-system get configmap aws-auth -o yaml | grep 'rolearn: é'";
  const sequence = osc52(command);
  // eslint-disable-next-line no-control-regex -- matching the escape sequence is the point
  const match = /^\u001b\]52;c;([A-Za-z0-9+/=]+)\u0007$/.exec(sequence);
  expect(match).not.toBeNull();
  expect(Buffer.from(match![1], 'base64').toString('utf8')).toBe(command);
});
