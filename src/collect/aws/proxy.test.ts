import { describe, expect, it } from 'vitest';
import { bypassesProxy, proxySettingsFromEnv } from './proxy.js';

describe('NO_PROXY', () => {
  it.each([
    ['eks.eu-west-1.amazonaws.com', 443, 'amazonaws.com', true],
    ['eks.eu-west-1.amazonaws.com', 443, '.amazonaws.com', true],
    ['eks.eu-west-1.amazonaws.com', 443, '*.amazonaws.com', true],
    ['notamazonaws.com', 443, 'amazonaws.com', false],
    ['127.0.0.1', 4566, '127.0.0.1:4566', true],
    ['127.0.0.1', 4567, '127.0.0.1:4566', false],
    ['sts.amazonaws.com', 443, '*', true],
    ['sts.amazonaws.com', 443, 'example.com', false],
  ] as const)('%s:%s with NO_PROXY=%s goes direct: %s', (host, port, rule, expected) => {
    expect(bypassesProxy(host, port, [rule])).toBe(expected);
  });

  it('reads the lower-case variables first, as curl does', () => {
    expect(proxySettingsFromEnv({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1', NO_PROXY: 'a.com, B.com ,' })).toEqual({ httpsProxy: 'http://lower:1', noProxy: ['a.com', 'b.com'] });
  });
});
