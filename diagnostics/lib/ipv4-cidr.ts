/** IPv4 address and CIDR arithmetic for rule and allow-list evaluation. IPv6 is not parsed (returns undefined). */

export interface Ipv4Range {
  /** First address, as an unsigned 32-bit number. */
  start: number;
  /** Last address, inclusive. */
  end: number;
}

export function parseIpv4(address: string): number | undefined {
  const parts = address.trim().split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/**
 * Parsed ranges, remembered: rule evaluation asks about the same few rule CIDRs and node /32s
 * thousands of times on a large cluster. Bounded so a long --watch session cannot grow it forever.
 */
const parsed = new Map<string, Ipv4Range | undefined>();
const PARSED_LIMIT = 100_000;

/** '10.0.0.0/16' or a bare address (a /32). */
export function parseCidr(cidr: string): Ipv4Range | undefined {
  if (parsed.has(cidr)) return parsed.get(cidr);
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  const range = parseCidrUncached(cidr);
  parsed.set(cidr, range);
  return range;
}

function parseCidrUncached(cidr: string): Ipv4Range | undefined {
  const [address, bitsText] = cidr.trim().split('/');
  const base = parseIpv4(address ?? '');
  if (base === undefined) return undefined;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const start = Math.floor(base / size) * size;
  return { start, end: start + size - 1 };
}

/** Whether every address of `inner` is inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return !!o && !!i && o.start <= i.start && i.end <= o.end;
}

export function ipInCidr(ip: string, cidr: string): boolean {
  return cidrContains(cidr, ip);
}
