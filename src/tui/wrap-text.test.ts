import { describe, expect, it } from 'vitest';
import { breakCommand, truncateText, wrapText } from './wrap-text.js';

describe('wrapText', () => {
  it('wraps at word boundaries within the width', () => {
    expect(wrapText('the node role is not mapped in aws-auth', 16)).toEqual(['the node role is', 'not mapped in', 'aws-auth']);
  });
  it('breaks a word longer than the width (an ARN) hard, losing nothing', () => {
    const arn = 'arn:aws:iam::111122223333:role/demo-node-role';
    const lines = wrapText(`role ${arn}`, 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join('')).toContain(arn.slice(0, 20));
    expect(lines.join('').replace(/ /g, '')).toBe(`role${arn}`);
  });
  it('keeps explicit line breaks', () => {
    expect(wrapText('a\nb', 10)).toEqual(['a', 'b']);
  });
});

describe('breakCommand', () => {
  it('gives pieces that join back into the exact command, spaces included', () => {
    const command = 'aws eks create-access-entry --cluster-name demo  --principal-arn arn:aws:iam::1:role/r';
    const pieces = breakCommand(command, 7);
    expect(pieces.every((p) => p.length <= 7)).toBe(true);
    expect(pieces.join('')).toBe(command);
  });
});

describe('truncateText', () => {
  it('cuts with an ellipsis only when needed', () => {
    expect(truncateText('abcdef', 6)).toBe('abcdef');
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('abcdef', 0)).toBe('');
  });
});
