/**
 * `--redact`: makes a snapshot (and so every report built from it) shareable by replacing account
 * IDs, IP addresses, hostnames and the identifying parts of AWS endpoint names, consistently: the
 * same value always gets the same replacement, within one run.
 *
 * Replacements keep the shape of what they replace, so a redacted bundle still diagnoses the same:
 * account IDs stay 12 digits (ARNs stay valid), IPv4 addresses are pseudonymised prefix-preservingly
 * (two addresses sharing an n-bit prefix still share one, so subnets still contain their instances
 * and CIDR checks still hold) and stay in their private range, and EC2 host names
 * (ip-10-0-1-10...) follow the address they embed, so a Node still matches its instance.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SnapshotChanges } from '../enrich/snapshot-changes.js';
import type { AwsData, Snapshot } from './types.js';

const ARN_ACCOUNT = /\barn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/g;
const ECR_ACCOUNT = /\b(\d{12})\.dkr\.ecr\./g;
const ACCOUNT_FIELDS = new Set(['Account', 'OwnerId', 'accountId', 'ownerId', 'RequesterId', 'AccountId']);
/** The cluster's ID in its endpoint (ABCDEF....gr7.eu-west-1.eks.amazonaws.com) and OIDC issuer (.../id/ABCDEF...). */
const EKS_ID = /\b[0-9A-F]{32}\b/g;
const EC2_HOST = /\b(ip|ec2)-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\b/g;
const ELB_HOST = /\b[a-z0-9][a-z0-9-]*(?=\.(?:[a-z0-9-]+\.)?elb\.(?:[a-z0-9-]+\.)?amazonaws\.com\b)/g;
const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?(?![\d.])/g;

/** Ranges kept recognisable: the prefix is kept, the host part pseudonymised. Whole addresses in `keep` stay as they are. */
const PRIVATE_RANGES: { base: number; bits: number }[] = [
  { base: ip(10, 0, 0, 0), bits: 8 },
  { base: ip(172, 16, 0, 0), bits: 12 },
  { base: ip(192, 168, 0, 0), bits: 16 },
  { base: ip(100, 64, 0, 0), bits: 10 },
];
/** Not identifying: "any", loopback, link-local (IMDS, the VPC DNS at 169.254.169.253), broadcast. */
const KEPT_RANGES: { base: number; bits: number }[] = [
  { base: ip(0, 0, 0, 0), bits: 8 },
  { base: ip(127, 0, 0, 0), bits: 8 },
  { base: ip(169, 254, 0, 0), bits: 16 },
  { base: ip(255, 255, 255, 255), bits: 32 },
];
/**
 * Public addresses are moved into 240.0.0.0/4 (reserved, never assigned), so none points at a real
 * host. Moving them drops the pseudonym's top 4 bits, so two public addresses that differ within
 * their first 4 bits lose their prefix relation: a non-member of an /L block becomes a member of
 * its image with chance 2^-(L-4) (one in a million for a /24). A wide target keeps that small; the
 * benchmarking range 198.18.0.0/15 used before dropped 15 bits, one in 512 for a /24, and a
 * redacted bundle once lost an "egress address not allowed" finding that way.
 */
const PUBLIC_TARGET = { base: ip(240, 0, 0, 0), bits: 4 };

function ip(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function inRange(address: number, range: { base: number; bits: number }): boolean {
  return ((address & mask(range.bits)) >>> 0) === range.base;
}

function dotted(address: number): string {
  return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
}

export class Redactor {
  private readonly accounts = new Map<string, string>();
  private readonly clusterIds = new Map<string, string>();
  private readonly loadBalancers = new Map<string, string>();
  private readonly prefixBits = new Map<string, number>();
  private readonly callers = new Map<string, string>();
  private readonly ipv6Addresses = new Map<string, string>();

  /** `key` seeds the address pseudonyms; random by default, so they cannot be reversed by a table. */
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  /** Registers every account ID the value mentions, so that bare mentions are caught too. */
  learnAccounts(value: unknown, field?: string): void {
    if (typeof value === 'string') {
      for (const m of value.matchAll(ARN_ACCOUNT)) this.account(m[1]!);
      for (const m of value.matchAll(ECR_ACCOUNT)) this.account(m[1]!);
      if (field && ACCOUNT_FIELDS.has(field) && /^\d{12}$/.test(value)) this.account(value);
    } else if (Array.isArray(value)) {
      for (const item of value) this.learnAccounts(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) this.learnAccounts(v, k);
    }
  }

  private account(id: string): string {
    let replacement = this.accounts.get(id);
    if (!replacement) {
      replacement = String(this.accounts.size + 1).padStart(12, '0');
      this.accounts.set(id, replacement);
    }
    return replacement;
  }

  /** Prefix-preserving: bit i of the result is bit i of the input flipped by a keyed function of bits 0..i-1. */
  private pseudonymise(address: number, keptBits: number): number {
    let out = (address & mask(keptBits)) >>> 0;
    for (let i = keptBits; i < 32; i++) {
      const prefix = `${i}:${(address & mask(i)) >>> 0}`;
      let flip = this.prefixBits.get(prefix);
      if (flip === undefined) {
        flip = createHmac('sha256', this.key).update(prefix).digest()[0]! & 1;
        this.prefixBits.set(prefix, flip);
      }
      const bit = ((address >>> (31 - i)) & 1) ^ flip;
      out = (out | (bit << (31 - i))) >>> 0;
    }
    return out;
  }

  address(address: number): number {
    if (KEPT_RANGES.some((r) => inRange(address, r))) return address;
    const privateRange = PRIVATE_RANGES.find((r) => inRange(address, r));
    if (privateRange) return this.pseudonymise(address, privateRange.bits);
    const scrambled = this.pseudonymise(address, 0);
    return (PUBLIC_TARGET.base | (scrambled & ~mask(PUBLIC_TARGET.bits))) >>> 0;
  }

  text(value: string): string {
    let out = value;
    for (const [original, replacement] of this.accounts) if (out.includes(original)) out = out.replace(new RegExp(`(?<!\\d)${original}(?!\\d)`, 'g'), replacement);
    out = out.replace(EKS_ID, (id: string) => {
      let replacement = this.clusterIds.get(id);
      if (!replacement) {
        // Same length; not hex, so it is never taken for an ID again.
        replacement = `REDACTED${String(this.clusterIds.size + 1).padStart(24, '0')}`;
        this.clusterIds.set(id, replacement);
      }
      return replacement;
    });
    out = out.replace(EC2_HOST, (_match, prefix: string, a: string, b: string, c: string, d: string) => {
      const octets = [a, b, c, d].map(Number);
      if (octets.some((o) => o > 255)) return _match;
      return `${prefix}-${dotted(this.address(ip(octets[0]!, octets[1]!, octets[2]!, octets[3]!))).replaceAll('.', '-')}`;
    });
    out = out.replace(ELB_HOST, (name: string) => {
      let replacement = this.loadBalancers.get(name);
      if (!replacement) {
        replacement = `redacted-lb-${this.loadBalancers.size + 1}`;
        this.loadBalancers.set(name, replacement);
      }
      return replacement;
    });
    out = out.replace(IPV4, (match, a: string, b: string, c: string, d: string, prefixLength: string | undefined) => {
      const octets = [a, b, c, d].map(Number);
      if (octets.some((o) => o > 255) || (prefixLength !== undefined && Number(prefixLength) > 32)) return match;
      const mapped = this.address(ip(octets[0]!, octets[1]!, octets[2]!, octets[3]!));
      if (prefixLength === undefined) return dotted(mapped);
      // A network stays a network: its host bits stay zero.
      return `${dotted((mapped & mask(Number(prefixLength))) >>> 0)}/${prefixLength}`;
    });
    return out;
  }

  /**
   * An identity ARN with its role session name or IAM user name replaced, consistently
   * (`assumed-role/terraform-ci/session-1`): the role name stays, it says what made the change.
   */
  callerName(arn: string): string {
    const match = /^(arn:[^:]+:sts::\d{12}:assumed-role\/[^/]+\/)(.+)$/.exec(arn) ?? /^(arn:[^:]+:iam::\d{12}:user\/(?:[^/]+\/)*)([^/]+)$/.exec(arn);
    if (!match) return arn;
    const kind = match[1]!.includes(':assumed-role/') ? 'session' : 'user';
    let replacement = this.callers.get(`${kind}|${match[2]}`);
    if (!replacement) {
      replacement = `${kind}-${this.callers.size + 1}`;
      this.callers.set(`${kind}|${match[2]}`, replacement);
    }
    return `${match[1]}${replacement}`;
  }

  /** An IPv6 address (CloudTrail's sourceIPAddress may be one) as a consistent placeholder in the documentation range; anything else as it is. */
  ipv6(value: string): string {
    if (!/^[0-9a-f]*:[0-9a-f:.]*$/i.test(value)) return value;
    let replacement = this.ipv6Addresses.get(value);
    if (!replacement) {
      replacement = `2001:db8::${(this.ipv6Addresses.size + 1).toString(16)}`;
      this.ipv6Addresses.set(value, replacement);
    }
    return replacement;
  }

  /**
   * Every string in a JSON value, redacted, object keys included: most are field names, label and
   * tag keys that come through unchanged, but IAM condition keys name the cluster's OIDC issuer
   * (`oidc.eks.<region>.amazonaws.com/id/<ID>:sub`) and must follow its redacted name.
   */
  json<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.json(item)) as T;
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.json(v)])) as T;
    }
    return value;
  }
}

export function redactSnapshot(snapshot: Snapshot, redactor: Redactor = new Redactor()): Snapshot {
  redactor.learnAccounts(snapshot);
  const redacted = redactor.json(snapshot);
  return { ...redacted, aws: redactCallers(redacted.aws, redactor), meta: { ...redacted.meta, redacted: true } };
}

/** What the enrichment pass adds, redacted as the snapshot it joins was (the same Redactor). */
export function redactChanges(changes: SnapshotChanges, redactor: Redactor): SnapshotChanges {
  redactor.learnAccounts(changes);
  const redacted = redactor.json(changes);
  return { ...redacted, aws: redactCallers(redacted.aws, redactor) };
}

/**
 * Who made a change and from where, beyond what `json` replaces (the account, IPv4 addresses): the
 * role session name and the IAM user name (often a person's name or e-mail), and IPv6 addresses.
 */
function redactCallers<T extends Pick<AwsData, 'cloudTrailLookups'>>(aws: T, redactor: Redactor): T {
  if (!aws.cloudTrailLookups) return aws;
  const cloudTrailLookups = aws.cloudTrailLookups.map((lookup) => ({
    ...lookup,
    events: lookup.events.map((event) => {
      const record = event.CloudTrailEvent;
      if (!record) return event;
      const arn = record.userIdentity?.arn;
      const from = record.sourceIPAddress;
      return {
        ...event,
        CloudTrailEvent: {
          ...record,
          ...(record.userIdentity ? { userIdentity: { ...record.userIdentity, ...(arn ? { arn: redactor.callerName(arn) } : {}) } } : {}),
          ...(from ? { sourceIPAddress: redactor.ipv6(from) } : {}),
        },
      };
    }),
  }));
  return { ...aws, cloudTrailLookups };
}
