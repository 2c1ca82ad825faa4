/**
 * The wire formats the mock speaks, driven by the AWS service models that ship inside the SDK
 * (each client exports its operations' Smithy schemas: member names, XML names, list wrappers,
 * timestamp types, HTTP bindings). Walking the model rather than hand-writing each response keeps
 * every field of every shape on the wire exactly where AWS puts it; the aws CLI test (botocore,
 * which parses with its own copy of the models) checks that independently.
 */
import { NormalizedSchema } from '@smithy/core/schema';

/** The models' schema references are opaque tuples; NormalizedSchema.of accepts them as they are. */
type SchemaRef = Parameters<typeof NormalizedSchema.of>[0];

export type XmlFlavor = 'ec2' | 'query';

/** An operation's schema as exported by an SDK client (`DescribeSubnets$`). */
export interface OperationModel {
  name: string;
  /** REST-JSON binding: method and path template. */
  http?: { method: string; path: string; status: number };
  input: NormalizedSchema;
  output: NormalizedSchema;
}

/**
 * Reads every operation a client module exports. Only the export names are read at start: an
 * operation is a name `X` exported as both `XCommand` and the schema `X$`. The schema itself (its
 * HTTP binding, then its input and output schemas, normalised) is read when a request first needs
 * it. In the bundle each export of a client module is a getter function of its own, compiled on
 * its first call: reading the values of all of them (some 5,000 for EC2 alone) took about 0.2 s of
 * the mock's start, and normalising every operation's schemas before that more still.
 */
export function operationModels(clientModule: Record<string, unknown>): Map<string, OperationModel> {
  const operations = new Map<string, OperationModel>();
  for (const exportName of Object.keys(clientModule)) {
    if (!exportName.endsWith('Command')) continue;
    const name = exportName.slice(0, -'Command'.length);
    if (!(`${name}$` in clientModule)) continue;
    let schema: { http: OperationModel['http']; input: () => SchemaRef; output: () => SchemaRef } | undefined;
    const read = () => {
      if (schema) return schema;
      // Operation schemas are tuples [9, namespace, name, traits, input, output].
      const value = clientModule[`${name}$`];
      if (!Array.isArray(value) || value[0] !== 9) throw new Error(`${name}$ is not an operation schema`);
      const [, , , traits, input, output] = value as [number, string, string, unknown, () => SchemaRef, () => SchemaRef];
      const http = typeof traits === 'object' && traits !== null ? (traits as { http?: [string, string, number] }).http : undefined;
      return (schema = { http: http ? { method: http[0], path: http[1], status: http[2] } : undefined, input, output });
    };
    let inputSchema: NormalizedSchema | undefined;
    let outputSchema: NormalizedSchema | undefined;
    operations.set(name, {
      name,
      get http() {
        return read().http;
      },
      get input() {
        return (inputSchema ??= NormalizedSchema.of(read().input()));
      },
      get output() {
        return (outputSchema ??= NormalizedSchema.of(read().output()));
      },
    });
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Requests: the query protocols (EC2, Auto Scaling, IAM, STS) send form-encoded bodies.

/** Decodes `Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1` into `{ Filters: [{ Name, Values }] }` using the input shape. */
export function readQueryInput(schema: NormalizedSchema, params: URLSearchParams, flavor: XmlFlavor): Record<string, unknown> {
  const value = readQueryValue(schema, params, '', flavor);
  return (value as Record<string, unknown> | undefined) ?? {};
}

function queryMemberName(member: NormalizedSchema, memberName: string, flavor: XmlFlavor): string {
  const traits = member.getMergedTraits();
  if (flavor === 'ec2') {
    if (typeof traits.ec2QueryName === 'string') return traits.ec2QueryName;
    if (typeof traits.xmlName === 'string') return traits.xmlName.charAt(0).toUpperCase() + traits.xmlName.slice(1);
    return memberName;
  }
  return typeof traits.xmlName === 'string' ? traits.xmlName : memberName;
}

function readQueryValue(schema: NormalizedSchema, params: URLSearchParams, prefix: string, flavor: XmlFlavor): unknown {
  if (schema.isStructSchema()) {
    const result: Record<string, unknown> = {};
    let found = false;
    for (const [memberName, member] of schema.structIterator()) {
      const key = `${prefix}${prefix ? '.' : ''}${queryMemberName(member, memberName, flavor)}`;
      const value = readQueryValue(member, params, key, flavor);
      if (value !== undefined) {
        result[memberName] = value;
        found = true;
      }
    }
    return found || prefix === '' ? result : undefined;
  }
  if (schema.isListSchema()) {
    const item = schema.getValueSchema();
    // EC2 lists are always flattened (Name.1); query lists wrap items (Name.member.1) unless flattened.
    const itemName = typeof item.getMergedTraits().xmlName === 'string' ? String(item.getMergedTraits().xmlName) : 'member';
    const base = flavor === 'ec2' || schema.getMergedTraits().xmlFlattened ? prefix : `${prefix}.${itemName}`;
    const items: unknown[] = [];
    for (let i = 1; ; i++) {
      const value = readQueryValue(item, params, `${base}.${i}`, flavor);
      if (value === undefined) break;
      items.push(value);
    }
    // An empty list is sent as `Name=` by the query protocol.
    if (items.length === 0 && params.has(prefix) && params.get(prefix) === '') return [];
    return items.length > 0 ? items : undefined;
  }
  if (schema.isMapSchema()) {
    const result: Record<string, unknown> = {};
    let found = false;
    for (let i = 1; ; i++) {
      const entry = flavor === 'ec2' || schema.getMergedTraits().xmlFlattened ? `${prefix}.${i}` : `${prefix}.entry.${i}`;
      const key = params.get(`${entry}.key`);
      if (key === null) break;
      result[key] = readQueryValue(schema.getValueSchema(), params, `${entry}.value`, flavor);
      found = true;
    }
    return found ? result : undefined;
  }
  const raw = params.get(prefix);
  if (raw === null) return undefined;
  if (schema.isNumericSchema()) return Number(raw);
  if (schema.isBooleanSchema()) return raw === 'true';
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Responses: XML for the query protocols.

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function xmlMemberName(member: NormalizedSchema, memberName: string): string {
  const xmlName = member.getMergedTraits().xmlName;
  return typeof xmlName === 'string' ? xmlName : memberName;
}

function xmlScalar(schema: NormalizedSchema, value: unknown): string {
  if (schema.isTimestampSchema()) {
    // Snapshots hold ISO strings; the query protocols send ISO-8601 date-times.
    const date = value instanceof Date ? value : new Date(String(value));
    return Number.isNaN(date.getTime()) ? escapeXml(String(value)) : date.toISOString();
  }
  if (schema.isBlobSchema() && value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object' && value !== null) return escapeXml(JSON.stringify(value));
  return escapeXml(String(value));
}

/** Writes the members of a structure (not its own element): the body of a Result element. */
export function writeXmlMembers(schema: NormalizedSchema, value: Record<string, unknown>, flavor: XmlFlavor): string {
  let out = '';
  for (const [memberName, member] of schema.structIterator()) {
    const memberValue = value[memberName];
    if (memberValue === undefined || memberValue === null) continue;
    out += writeXmlElement(member, xmlMemberName(member, memberName), memberValue, flavor);
  }
  return out;
}

function writeXmlElement(schema: NormalizedSchema, tag: string, value: unknown, flavor: XmlFlavor): string {
  if (schema.isStructSchema()) {
    return `<${tag}>${writeXmlMembers(schema, value as Record<string, unknown>, flavor)}</${tag}>`;
  }
  if (schema.isListSchema()) {
    const item = schema.getValueSchema();
    const items = Array.isArray(value) ? value : [];
    // EC2 responses wrap list items in <item>; the query protocols in <member>, unless the model says otherwise.
    const itemTag = typeof item.getMergedTraits().xmlName === 'string' ? String(item.getMergedTraits().xmlName) : flavor === 'ec2' ? 'item' : 'member';
    if (schema.getMergedTraits().xmlFlattened) return items.map((v) => writeXmlElement(item, tag, v, flavor)).join('');
    return `<${tag}>${items.map((v) => writeXmlElement(item, itemTag, v, flavor)).join('')}</${tag}>`;
  }
  if (schema.isMapSchema()) {
    const entries = Object.entries(value as Record<string, unknown>);
    const keyTag = String(schema.getKeySchema().getMergedTraits().xmlName ?? 'key');
    const valueTag = String(schema.getValueSchema().getMergedTraits().xmlName ?? 'value');
    const body = entries
      .map(([k, v]) => `<entry><${keyTag}>${escapeXml(k)}</${keyTag}>${writeXmlElement(schema.getValueSchema(), valueTag, v, flavor)}</entry>`)
      .join('');
    return `<${tag}>${body}</${tag}>`;
  }
  return `<${tag}>${xmlScalar(schema, value)}</${tag}>`;
}

// ---------------------------------------------------------------------------------------------
// REST-JSON (EKS).

/**
 * Converts a snapshot value to the JSON the service sends: timestamps become epoch seconds.
 * REST-JSON names members by their jsonName; AWS JSON 1.0/1.1 (`jsonNames: false`) ignores it.
 */
export function toWireJson(schema: NormalizedSchema, value: unknown, options: { jsonNames: boolean } = { jsonNames: true }): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema.isStructSchema()) {
    const result: Record<string, unknown> = {};
    const object = value as Record<string, unknown>;
    for (const [memberName, member] of schema.structIterator()) {
      const memberValue = toWireJson(member, object[memberName], options);
      const jsonName = options.jsonNames ? member.getMergedTraits().jsonName : undefined;
      if (memberValue !== undefined) result[typeof jsonName === 'string' ? jsonName : memberName] = memberValue;
    }
    return result;
  }
  if (schema.isListSchema()) return (value as unknown[]).map((v) => toWireJson(schema.getValueSchema(), v, options));
  if (schema.isMapSchema()) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toWireJson(schema.getValueSchema(), v, options)]));
  }
  if (schema.isTimestampSchema()) {
    const date = new Date(String(value));
    return Number.isNaN(date.getTime()) ? value : date.getTime() / 1000;
  }
  return value;
}

/** An AWS JSON request body as the handlers read it: timestamps (epoch seconds on the wire) become ISO strings. */
export function fromWireJson(schema: NormalizedSchema, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema.isStructSchema()) {
    const object = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const [memberName, member] of schema.structIterator()) {
      const memberValue = fromWireJson(member, object[memberName]);
      if (memberValue !== undefined) result[memberName] = memberValue;
    }
    return result;
  }
  if (schema.isListSchema()) return Array.isArray(value) ? value.map((v) => fromWireJson(schema.getValueSchema(), v)) : value;
  if (schema.isMapSchema()) return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromWireJson(schema.getValueSchema(), v)]));
  if (schema.isTimestampSchema()) {
    const date = typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
    return Number.isNaN(date.getTime()) ? value : date.toISOString();
  }
  return value;
}

/** Matches a REST path against a template such as /clusters/{name}/node-groups/{nodegroupName}. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const templateParts = template.split('?')[0].split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (templateParts.length !== pathParts.length) return undefined;
  const labels: Record<string, string> = {};
  for (let i = 0; i < templateParts.length; i++) {
    const t = templateParts[i];
    if (t.startsWith('{') && t.endsWith('}')) labels[t.slice(1, -1).replace(/\+$/, '')] = decodeURIComponent(pathParts[i]);
    else if (t !== pathParts[i]) return undefined;
  }
  return labels;
}

/** Builds the input of a REST-JSON GET from its path labels and query string. */
export function readRestInput(schema: NormalizedSchema, labels: Record<string, string>, query: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [memberName, member] of schema.structIterator()) {
    const traits = member.getMergedTraits();
    if (traits.httpLabel) {
      if (labels[memberName] !== undefined) input[memberName] = labels[memberName];
    } else if (typeof traits.httpQuery === 'string') {
      const values = query.getAll(traits.httpQuery);
      if (values.length === 0) continue;
      if (member.isListSchema()) input[memberName] = values.flatMap((v) => v.split(','));
      else if (member.isNumericSchema()) input[memberName] = Number(values[0]);
      else if (member.isBooleanSchema()) input[memberName] = values[0] === 'true';
      else input[memberName] = values[0];
    }
  }
  return input;
}
