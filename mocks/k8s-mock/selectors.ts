/**
 * Field and label selectors as the API server evaluates them, including its refusal of field
 * labels a resource does not index (so a tool that relies on an unsupported selector fails here
 * as it would on a real cluster).
 */

type Json = Record<string, unknown>;

/** Field labels the real API server supports per resource, beyond metadata.name and metadata.namespace. */
const SUPPORTED_FIELDS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  nodes: ['spec.unschedulable'],
  services: ['spec.clusterIP', 'spec.type'],
};

export class SelectorError extends Error {}

interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

function valueAt(object: unknown, path: string): string {
  let current: unknown = object;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return '';
    current = (current as Json)[key];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'string' ? current : String(current);
}

export function parseFieldSelector(selector: string, resource: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  const supported = new Set(['metadata.name', 'metadata.namespace', ...(SUPPORTED_FIELDS[resource] ?? [])]);
  return selector.split(',').map((term) => {
    const m = /^\s*([A-Za-z0-9.]+)\s*(!=|==|=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw new SelectorError(`invalid field selector term '${term}'`);
    if (!supported.has(m[1]!)) throw new SelectorError(`field label not supported: ${m[1]}`);
    return { field: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

export function matchesFields(object: unknown, requirements: FieldRequirement[]): boolean {
  return requirements.every((r) => (valueAt(object, r.field) === r.value) === (r.op === '='));
}

type LabelRequirement =
  | { key: string; op: 'exists' | 'absent' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

/** Splits on commas that are not inside a value set: 'a in (x,y),b' -> ['a in (x,y)', 'b']. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTerms(selector).map((term) => {
    let m = /^!\s*([\w./-]+)$/.exec(term);
    if (m) return { key: m[1]!, op: 'absent' };
    m = /^([\w./-]+)\s*(!=|==|=)\s*([\w.-]*)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] };
    m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) };
    m = /^([\w./-]+)$/.exec(term);
    if (m) return { key: m[1]!, op: 'exists' };
    throw new SelectorError(`unable to parse requirement: '${term}'`);
  });
}

export function matchesLabels(object: unknown, requirements: LabelRequirement[]): boolean {
  const metadata = (object as { metadata?: { labels?: Record<string, string> } }).metadata;
  const labels = metadata?.labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'absent':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]!);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]!);
    }
  });
}
