import { describe, expect, it } from 'vitest';
import { bypassesProxy, proxyFor, proxySettingsFromEnv } from './proxy.js';

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

  it('reads a proxy without a scheme as http://, as curl does', () => {
    expect(proxySettingsFromEnv({ HTTPS_PROXY: 'proxy.corp:3128', HTTP_PROXY: ' https://secure.corp:443 ' })).toEqual({
      httpsProxy: 'http://proxy.corp:3128',
      httpProxy: 'https://secure.corp:443',
      noProxy: [],
    });
  });
});

describe('proxyFor', () => {
  const settings = proxySettingsFromEnv({ HTTPS_PROXY: 'http://tls-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128', NO_PROXY: '.eks.amazonaws.com,10.0.0.1:443' });

  it('sends https:// through HTTPS_PROXY and http:// through HTTP_PROXY', () => {
    expect(proxyFor('https://example.com/api', settings)).toBe('http://tls-proxy:3128');
    expect(proxyFor('http://127.0.0.1:5000', settings)).toBe('http://plain-proxy:3128');
  });

  it('sends hosts NO_PROXY names direct, matching the default port when the URL has none', () => {
    expect(proxyFor('https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com', settings)).toBeUndefined();
    expect(proxyFor('https://10.0.0.1', settings)).toBeUndefined();
    expect(proxyFor('https://10.0.0.1:6443', settings)).toBe('http://tls-proxy:3128');
  });

  it('goes direct when the scheme has no proxy set', () => {
    expect(proxyFor('https://example.com', proxySettingsFromEnv({ HTTP_PROXY: 'http://plain-proxy:3128' }))).toBeUndefined();
  });
});
