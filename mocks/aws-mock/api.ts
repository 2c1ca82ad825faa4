/**
 * What the service handlers share: the error they throw (rendered in each protocol's own error
 * shape by the server), opaque pagination tokens, and EC2/Auto Scaling style filters.
 */
import type { MockWorld } from './world.js';

export class AwsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Query protocols say whether the caller ('Sender') or the service ('Receiver') is at fault. */
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }

  /** AWS JSON: the body's __type where it is not the code (a query-compatible service's). */
  jsonType?: string;
}

export interface HandlerContext {
  region: string;
  world: MockWorld;
  /** Caps every page (tests use a small cap to prove the tool follows tokens). */
  maxPageSize?: number;
}

export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;
export type Handler = (input: Input, context: HandlerContext) => Output;

export function stringParam(input: Input, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(input: Input, name: string, invalidCode = 'ValidationError'): string {
  const value = stringParam(input, name);
  if (value === undefined || value === '') throw new AwsApiError(invalidCode, `The request must contain the parameter ${name}`, 400);
  return value;
}

export function stringList(input: Input, name: string): string[] | undefined {
  const value = input[name];
  return Array.isArray(value) ? value.map(String) : undefined;
}

export function numberParam(input: Input, name: string): number | undefined {
  const value = input[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * One page of `items`. Tokens are opaque to callers (base64 of the offset and a fingerprint of the
 * list's length), so a tool that invents or reuses tokens across requests gets the service's error.
 */
export function paginate<T>(
  items: T[],
  args: { token: string | undefined; pageSize: number | undefined; defaultPageSize: number; maxPageSize: number; context: HandlerContext; invalidTokenCode: string },
): { page: T[]; nextToken: string | undefined } {
  let offset = 0;
  if (args.token !== undefined && args.token !== '') {
    const decoded = decodeToken(args.token);
    if (decoded === undefined || decoded.total !== items.length || decoded.offset > items.length) {
      throw new AwsApiError(args.invalidTokenCode, `The pagination token ${args.token} is invalid.`, 400);
    }
    offset = decoded.offset;
  }
  let size = Math.min(args.pageSize ?? args.defaultPageSize, args.maxPageSize);
  if (args.context.maxPageSize !== undefined) size = Math.min(size, args.context.maxPageSize);
  size = Math.max(1, size);
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return { page, nextToken: next < items.length ? encodeToken(next, items.length) : undefined };
}

function encodeToken(offset: number, total: number): string {
  return Buffer.from(JSON.stringify({ o: offset, t: total })).toString('base64');
}

function decodeToken(token: string): { offset: number; total: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown; t?: unknown };
    return typeof parsed.o === 'number' && typeof parsed.t === 'number' ? { offset: parsed.o, total: parsed.t } : undefined;
  } catch {
    return undefined;
  }
}

export interface Filter {
  Name?: string;
  Values?: string[];
}

/** What a filter name reads from a resource; undefined for names the resource does not support. */
export type FilterFields = (name: string) => ((resource: never) => (string | undefined)[]) | undefined;

interface Tagged {
  Tags?: { Key?: string; Value?: string }[];
}

/** The tag filters EC2 and Auto Scaling share: tag-key, tag-value and tag:<key>. */
export function tagFilter(name: string): ((resource: Tagged) => (string | undefined)[]) | undefined {
  if (name === 'tag-key') return (r) => (r.Tags ?? []).map((t) => t.Key);
  if (name === 'tag-value') return (r) => (r.Tags ?? []).map((t) => t.Value);
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return (r) => (r.Tags ?? []).filter((t) => t.Key === key).map((t) => t.Value);
  }
  return undefined;
}

/** EC2 filter values may use * and ? wildcards. */
function valueMatches(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

/**
 * Applies filters the way EC2 does: values of one filter are ORed, filters are ANDed; an unknown
 * filter name is an error naming it.
 */
export function applyFilters<T>(items: T[], filters: Filter[] | undefined, fields: (name: string) => ((resource: T) => (string | undefined)[]) | undefined, invalidCode: string): T[] {
  if (!filters || filters.length === 0) return items;
  const compiled = filters.map((f) => {
    const name = f.Name ?? '';
    const read = fields(name);
    if (!read) throw new AwsApiError(invalidCode, `The filter '${name}' is invalid`, 400);
    return { read, values: f.Values ?? [] };
  });
  return items.filter((item) =>
    compiled.every(({ read, values }) => {
      const actual = read(item).filter((v): v is string => v !== undefined);
      return values.some((pattern) => actual.some((v) => valueMatches(pattern, v)));
    }),
  );
}
