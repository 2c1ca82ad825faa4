/**
 * A launch template's user data, read in memory and reduced to facts (LaunchTemplateUserData).
 *
 * User data often holds secrets (tokens, passwords in scripts), so nothing of it leaves this module
 * but the typed facts: the bootstrap kind, the cluster it names, its endpoint, a fingerprint of its
 * CA, the service CIDR and DNS IP, max-pods, kubelet flag names (values only of flags that hold no
 * secret), node labels and taints, and where it could not be read. Problem messages are eks-doctor's
 * own words with positions, never a quote (a YAML parser's message would quote the line).
 *
 * What is read, as cloud-init and the EKS AMIs read it:
 * - base64 (EC2 returns UserData base64-encoded), then gzip when the bytes start with its magic;
 * - MIME multipart (RFC 2046: boundary lines `--B`, the closing `--B--`), nested multiparts,
 *   `Content-Transfer-Encoding: base64`, gzip-compressed parts;
 * - AL2023: `application/node.eks.aws` parts holding NodeConfig documents (node.eks.aws/v1alpha1),
 *   which nodeadm merges in order, later values winning (from memory of amazon-eks-ami's
 *   nodeadm/internal/configprovider); a plain NodeConfig YAML without MIME is read too;
 * - AL2: a shell script (or cloud-config runcmd) calling /etc/eks/bootstrap.sh, with the script's
 *   own simple variable assignments expanded (EKS writes `B64_CLUSTER_CA=...` then uses `$B64_CLUSTER_CA`);
 * - Bottlerocket: TOML `settings.kubernetes.*`;
 * - Windows: `<powershell>` calling Start-EKSBootstrap.ps1 (or the EKS-StartBootstrap wrapper).
 */
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { caFingerprint } from '../../domain/certificate.js';
import type { BootstrapKind, LaunchTemplateUserData, UserDataProblem, UserDataTaint } from '../../snapshot/types.js';

type PartKind = LaunchTemplateUserData['parts'][number]['kind'];

/** Kubelet flags whose values say how the node is set up and never hold a secret: kept with their values. */
const HARMLESS_FLAG_VALUES: ReadonlySet<string> = new Set([
  'max-pods', 'node-labels', 'register-with-taints', 'cluster-dns', 'cluster-domain', 'kube-reserved', 'system-reserved',
  'eviction-hard', 'eviction-soft', 'cloud-provider', 'container-runtime', 'container-runtime-endpoint', 'cgroup-driver',
  'node-ip', 'pod-max-pids', 'image-gc-high-threshold', 'image-gc-low-threshold', 'v', 'feature-gates', 'cpu-manager-policy',
  'topology-manager-policy', 'max-open-files', 'serialize-image-pulls', 'pod-infra-container-image',
]);

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const NODECONFIG_TYPE = 'application/node.eks.aws';

interface Leaf {
  contentType: string;
  text: string;
  where: string;
}

/** What the collector knows of the version, to key the facts. */
export interface LaunchTemplateVersionKey {
  LaunchTemplateId: string;
  LaunchTemplateName?: string;
  VersionNumber: number;
}

/** The facts of one launch-template version's UserData (base64, as EC2 returns it). */
export function userDataFacts(key: LaunchTemplateVersionKey, userData: string | undefined): LaunchTemplateUserData {
  const reader = new FactReader();
  if (userData === undefined || userData.trim() === '') return reader.finish(key, 'none');
  const raw = decodeBase64(userData);
  if (!raw) {
    reader.problem({ kind: 'base64', where: 'the whole user data', message: 'UserData is not valid base64' });
    return reader.finish(key, 'custom');
  }
  const bytes = reader.gunzipIfCompressed(raw, 'the whole user data');
  if (!bytes) return reader.finish(key, 'custom');
  const leaves = reader.entity(bytes.toString('utf8'), 'the user data', true);
  return reader.finish(key, reader.read(leaves));
}

function decodeBase64(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  return Buffer.from(compact, 'base64');
}

function startsWithGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * Headers end at the first blank line, or (as Python's email parser, which cloud-init uses, reads
 * it) at the first line that is not a header: EKS writes its managed node groups' script parts with
 * no blank line between `Content-Type` and `#!/bin/bash`.
 */
function splitHeaders(text: string): { headerBlock: string; body: string } {
  const lines = text.split(/\r?\n/);
  let n = 0;
  while (n < lines.length && (/^[!-9;-~]+:/.test(lines[n]!) || (n > 0 && /^[ \t]+\S/.test(lines[n]!)))) n++;
  const bodyStart = n < lines.length && lines[n]!.trim() === '' ? n + 1 : n;
  return { headerBlock: lines.slice(0, n).join('\n'), body: lines.slice(bodyStart).join('\n') };
}

/** Header name (lower-cased) -> value, unfolded. */
function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    headers.set(last, line.slice(colon + 1).trim());
  }
  return headers;
}

/** 'multipart/mixed; boundary="//"' -> { type: 'multipart/mixed', params: { boundary: '//' } } */
function parseContentType(value: string | undefined): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = (value ?? 'text/plain').split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return { type: type.trim().toLowerCase(), params };
}

/** Whether a document begins with MIME headers (cloud-init: a Content-Type header before the first blank line). */
function looksLikeMime(text: string): boolean {
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  return /^(MIME-Version|Content-Type)\s*:/im.test(head) && /^Content-Type\s*:/im.test(head);
}

/** The type of a document that came without a Content-Type, from its first line (as cloud-init's starts-with table). */
function sniffType(text: string): string {
  const start = text.trimStart();
  if (start.startsWith('#!')) return 'text/x-shellscript';
  if (start.startsWith('#cloud-config')) return 'text/cloud-config';
  if (/^<powershell>/i.test(start)) return 'text/x-powershell';
  if (/^(---\s*\n)?apiVersion:\s*node\.eks\.aws\//m.test(start) && /^kind:\s*NodeConfig/m.test(start)) return NODECONFIG_TYPE;
  if (/^\[settings(\.|\])/m.test(start)) return 'application/toml';
  return 'text/plain';
}

class FactReader {
  private readonly problems: UserDataProblem[] = [];
  private readonly parts: { contentType: string; kind: PartKind }[] = [];
  private gzip = false;
  private nodeConfig: NodeSettings | undefined;
  private bootstrapSh: NodeSettings | undefined;
  private bottlerocket: NodeSettings | undefined;
  private windows: NodeSettings | undefined;

  problem(p: UserDataProblem): void {
    this.problems.push(p);
  }

  gunzipIfCompressed(bytes: Buffer, where: string): Buffer | undefined {
    if (!startsWithGzip(bytes)) return bytes;
    this.gzip = true;
    try {
      return gunzipSync(bytes);
    } catch {
      this.problem({ kind: 'gzip', where, message: 'gzip data that does not decompress' });
      return undefined;
    }
  }

  /** The leaves of one MIME entity (or a plain document). */
  entity(text: string, where: string, topLevel: boolean): Leaf[] {
    if (topLevel && !looksLikeMime(text)) return [this.leaf(sniffType(text), text, where)];
    const { headerBlock, body } = splitHeaders(text);
    const headers = parseHeaders(headerBlock);
    const contentType = parseContentType(headers.get('content-type'));
    if (contentType.type.startsWith('multipart/')) return this.multipart(body, contentType.params.get('boundary'), where, contentType.type);
    let content = body;
    const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
    if (encoding === 'base64') {
      const decoded = decodeBase64(body);
      if (!decoded) {
        this.problem({ kind: 'mime', where, message: 'Content-Transfer-Encoding base64 but the body is not base64' });
        return [];
      }
      const unzipped = this.gunzipIfCompressed(decoded, where);
      if (!unzipped) return [];
      content = unzipped.toString('utf8');
    }
    const type = headers.has('content-type') ? contentType.type : sniffType(content);
    // cloud-init accepts a gzip part (application/x-gzip, or gzip bytes under another type) and reads what is inside.
    if (type === 'application/x-gzip' || type === 'application/gzip') return this.entity(content, where, true);
    return [this.leaf(type, content, where)];
  }

  private multipart(body: string, boundary: string | undefined, where: string, type: string): Leaf[] {
    if (!boundary) {
      this.problem({ kind: 'mime', where, message: `${type} without a boundary parameter` });
      return [];
    }
    const lines = body.split(/\r?\n/);
    const open = `--${boundary}`;
    const close = `--${boundary}--`;
    const chunks: string[][] = [];
    let current: string[] | undefined;
    let closed = false;
    for (const line of lines) {
      const trimmed = line.replace(/[ \t]+$/, '');
      if (trimmed === close) {
        if (current) chunks.push(current);
        current = undefined;
        closed = true;
        break;
      }
      if (trimmed === open) {
        if (current) chunks.push(current);
        current = [];
        continue;
      }
      current?.push(line);
    }
    if (current) chunks.push(current);
    if (chunks.length === 0) {
      this.problem({ kind: 'mime', where, message: `no part starts with the boundary line "--${boundary}"` });
      return [];
    }
    if (!closed) {
      // Go's mime/multipart (nodeadm) stops with "multipart: NextPart: EOF" without it; cloud-init records a defect.
      this.problem({ kind: 'mime', where, message: `the closing boundary line "--${boundary}--" is missing` });
    }
    return chunks.flatMap((chunk, i) => {
      const partText = chunk.join('\n');
      const partWhere = `MIME part ${i + 1}${where === 'the user data' ? '' : ` of ${where}`}`;
      // A part with no headers (it starts with its blank line) is text/plain per RFC 2046.
      return this.entity(partText, partWhere, false);
    });
  }

  private leaf(contentType: string, text: string, where: string): Leaf {
    return { contentType, text, where: where === 'the user data' ? where : `${where} (${contentType})` };
  }

  /** Reads each leaf's bootstrap settings; returns the effective bootstrap kind. */
  read(leaves: Leaf[]): BootstrapKind {
    for (const leaf of leaves) {
      const kind = this.readLeaf(leaf);
      this.parts.push({ contentType: leaf.contentType, kind });
    }
    // A NodeConfig part that could not be read is still nodeadm's: it is what the node would boot with.
    if (this.nodeConfig || this.parts.some((p) => p.kind === 'nodeadm')) return 'nodeadm';
    if (this.bootstrapSh) return 'bootstrap-sh';
    if (this.bottlerocket || this.parts.some((p) => p.kind === 'bottlerocket')) return 'bottlerocket';
    if (this.windows) return 'windows';
    return leaves.length === 0 && this.problems.length === 0 ? 'none' : 'custom';
  }

  private readLeaf(leaf: Leaf): PartKind {
    const type = leaf.contentType;
    if (type === NODECONFIG_TYPE) return this.readNodeConfig(leaf);
    if (type === 'application/toml' || (type === 'text/plain' && sniffType(leaf.text) === 'application/toml')) return this.readToml(leaf);
    if (/Start-EKSBootstrap\.ps1|EKS-StartBootstrap|\$EKSBootstrapScriptFile/i.test(leaf.text)) {
      this.windows = mergeSettings(this.windows, windowsSettings(leaf.text));
      return 'windows';
    }
    const script = type === 'text/x-shellscript' || type === 'text/cloud-config' || type === 'text/cloud-boothook' || /^#!/.test(leaf.text.trimStart());
    if (script && /(^|[\s/'"])bootstrap\.sh\b/m.test(leaf.text)) {
      const settings = bootstrapShSettings(leaf.text);
      if (settings) {
        this.bootstrapSh = settings;
        return 'bootstrap-sh';
      }
    }
    if (type === 'text/cloud-config') return 'cloud-config';
    if (script) return 'shell';
    if (type === 'text/plain' && sniffType(leaf.text) === NODECONFIG_TYPE) return this.readNodeConfig(leaf);
    return 'other';
  }

  private readNodeConfig(leaf: Leaf): PartKind {
    const documents = parseAllDocuments(leaf.text);
    const list = Array.isArray(documents) ? documents : [documents];
    list.forEach((doc, i) => {
      const where = list.length > 1 ? `${leaf.where}, YAML document ${i + 1}` : leaf.where;
      const error = doc.errors[0];
      if (error) {
        const pos = error.linePos?.[0];
        this.problem({ kind: 'nodeconfig', where, message: `YAML error ${error.code}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}` });
        return;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return;
      if (!isRecord(value)) {
        this.problem({ kind: 'nodeconfig', where, message: 'the document is not a YAML mapping' });
        return;
      }
      if (value.kind !== 'NodeConfig' || typeof value.apiVersion !== 'string' || !value.apiVersion.startsWith('node.eks.aws/')) {
        this.problem({ kind: 'nodeconfig', where, message: `expected apiVersion node.eks.aws/v1alpha1 and kind NodeConfig, found ${describeScalar(value.apiVersion)} and ${describeScalar(value.kind)}` });
        return;
      }
      const settings = nodeConfigSettings(value, (message) => this.problem({ kind: 'nodeconfig', where, message }));
      if (settings) this.nodeConfig = mergeSettings(this.nodeConfig, settings);
    });
    return 'nodeadm';
  }

  private readToml(leaf: Leaf): PartKind {
    const parsed = parseToml(leaf.text);
    if ('error' in parsed) {
      this.problem({ kind: 'toml', where: leaf.where, message: parsed.error });
      return 'bottlerocket';
    }
    this.bottlerocket = mergeSettings(this.bottlerocket, bottlerocketSettings(parsed.table));
    return 'bottlerocket';
  }

  finish(key: LaunchTemplateVersionKey, bootstrap: BootstrapKind): LaunchTemplateUserData {
    const effective = { nodeadm: this.nodeConfig, 'bootstrap-sh': this.bootstrapSh, bottlerocket: this.bottlerocket, windows: this.windows, custom: undefined, none: undefined }[bootstrap] ?? {};
    return {
      LaunchTemplateId: key.LaunchTemplateId,
      ...(key.LaunchTemplateName ? { LaunchTemplateName: key.LaunchTemplateName } : {}),
      VersionNumber: key.VersionNumber,
      bootstrap,
      parts: this.parts,
      ...(this.gzip ? { gzip: true } : {}),
      ...settingsFacts(effective),
      ...(this.problems.length > 0 ? { problems: this.problems } : {}),
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A type-and-shape description of a YAML value, never the value itself (it may be anything the user wrote). */
function describeScalar(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'string') return /^[A-Za-z0-9./-]{1,40}$/.test(value) ? value : 'another value';
  return `a ${Array.isArray(value) ? 'list' : typeof value}`;
}

// ---------------------------------------------------------------------------------------------
// The settings each bootstrap kind gives the node, in one shape

/** The facts a bootstrap gives the node; `flags` become kubeletFlags. */
type NodeSettings = Partial<Pick<LaunchTemplateUserData, 'clusterName' | 'apiServerEndpoint' | 'caFingerprint' | 'serviceCidr' | 'clusterDns' | 'maxPods' | 'useMaxPods' | 'nodeLabels' | 'taints'>> & {
  flags?: NonNullable<LaunchTemplateUserData['kubeletFlags']>;
};

/** Later settings win field by field (nodeadm's merge of NodeConfig documents; the last Bottlerocket document). */
function mergeSettings(earlier: NodeSettings | undefined, later: NodeSettings): NodeSettings {
  if (!earlier) return later;
  const merged: NodeSettings = { ...earlier };
  for (const [k, v] of Object.entries(later) as [keyof NodeSettings, unknown][]) if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  if (earlier.flags && later.flags) merged.flags = [...earlier.flags, ...later.flags];
  if (earlier.nodeLabels && later.nodeLabels) merged.nodeLabels = { ...earlier.nodeLabels, ...later.nodeLabels };
  return merged;
}

/** Kubelet flags ('--max-pods=110', '--node-labels a=b') folded into the settings: flags override config (the kubelet's own rule). */
function applyKubeletFlags(settings: NodeSettings, words: string[]): void {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) continue;
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    let value: string | undefined;
    if (eq >= 0) value = word.slice(eq + 1);
    else if (words[i + 1] !== undefined && !words[i + 1]!.startsWith('--')) value = words[++i];
    (settings.flags ??= []).push({ name, ...(value !== undefined && HARMLESS_FLAG_VALUES.has(name) ? { value } : {}) });
    if (value === undefined) continue;
    if (name === 'max-pods' && /^\d+$/.test(value)) settings.maxPods = Number(value);
    if (name === 'node-labels') settings.nodeLabels = { ...settings.nodeLabels, ...parseLabels(value) };
    if (name === 'register-with-taints') settings.taints = [...(settings.taints ?? []), ...parseTaints(value)];
    if (name === 'cluster-dns') settings.clusterDns = value.split(',').filter(Boolean);
  }
}

function parseLabels(value: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) labels[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return labels;
}

/** 'dedicated=batch:NoSchedule,gpu:NoExecute' (the kubelet's --register-with-taints). */
function parseTaints(value: string): UserDataTaint[] {
  return value.split(',').flatMap((t) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(t.trim());
    return m ? [{ key: m[1]!, ...(m[2] !== undefined && m[2] !== '' ? { value: m[2] } : {}), effect: m[3]! }] : [];
  });
}

/** The settings as facts: empty lists and maps left out. */
function settingsFacts({ flags, ...s }: NodeSettings): Partial<LaunchTemplateUserData> {
  const facts: Partial<LaunchTemplateUserData> = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
  if (flags && flags.length > 0) facts.kubeletFlags = flags;
  if (facts.nodeLabels && Object.keys(facts.nodeLabels).length === 0) delete facts.nodeLabels;
  if (facts.taints && facts.taints.length === 0) delete facts.taints;
  return facts;
}

// ---------------------------------------------------------------------------------------------
// AL2023 NodeConfig

function nodeConfigSettings(doc: Record<string, unknown>, problem: (message: string) => void): NodeSettings | undefined {
  const spec = doc.spec;
  if (spec === undefined) return {};
  if (!isRecord(spec)) {
    problem('spec is not a mapping');
    return undefined;
  }
  const settings: NodeSettings = {};
  const cluster = spec.cluster;
  if (cluster !== undefined && !isRecord(cluster)) problem('spec.cluster is not a mapping');
  if (isRecord(cluster)) {
    const str = (field: string): string | undefined => {
      const v = cluster[field];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') {
        problem(`spec.cluster.${field} is ${describeScalar(v)}, not a string`);
        return undefined;
      }
      return v;
    };
    const name = str('name');
    const endpoint = str('apiServerEndpoint');
    const ca = str('certificateAuthority');
    const cidr = str('cidr');
    if (name !== undefined) settings.clusterName = name;
    if (endpoint !== undefined) settings.apiServerEndpoint = endpoint;
    if (ca !== undefined) settings.caFingerprint = caFingerprint(ca);
    if (cidr !== undefined) settings.serviceCidr = cidr;
  }
  const kubelet = spec.kubelet;
  if (kubelet !== undefined && !isRecord(kubelet)) problem('spec.kubelet is not a mapping');
  if (isRecord(kubelet)) {
    const config = kubelet.config;
    if (isRecord(config)) {
      if (typeof config.maxPods === 'number') settings.maxPods = config.maxPods;
      else if (config.maxPods !== undefined) problem(`spec.kubelet.config.maxPods is ${describeScalar(config.maxPods)}, not a number`);
      if (Array.isArray(config.clusterDNS)) settings.clusterDns = config.clusterDNS.filter((x): x is string => typeof x === 'string');
      if (Array.isArray(config.registerWithTaints)) {
        settings.taints = config.registerWithTaints.flatMap((t) =>
          isRecord(t) && typeof t.key === 'string' && typeof t.effect === 'string' ? [{ key: t.key, ...(typeof t.value === 'string' && t.value !== '' ? { value: t.value } : {}), effect: t.effect }] : [],
        );
      }
    } else if (config !== undefined) {
      problem('spec.kubelet.config is not a mapping');
    }
    if (Array.isArray(kubelet.flags)) applyKubeletFlags(settings, kubelet.flags.filter((f): f is string => typeof f === 'string').flatMap((f) => shellWords(f, new Map())));
    else if (kubelet.flags !== undefined) problem('spec.kubelet.flags is not a list of strings');
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------
// AL2 bootstrap.sh

/** Joins backslash-continued lines. */
function logicalLines(script: string): string[] {
  return script.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
}

/** Simple assignments a script makes before it calls bootstrap.sh: NAME=value, export NAME="value". */
function assignments(lines: string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of lines) {
    const m = /^\s*(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const words = shellWords(m[2]!, vars);
    vars.set(m[1]!, words[0] ?? '');
  }
  return vars;
}

/** POSIX-shell word splitting with quotes and $VAR / ${VAR} expansion from `vars`; stops at an unquoted '#', ';', '&&', '||' or '|'. */
export function shellWords(line: string, vars: ReadonlyMap<string, string>): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const expand = (): string => {
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}/.exec(line.slice(i));
    const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(line.slice(i));
    const m = braced ?? plain;
    if (!m) {
      i++;
      return '$';
    }
    i += m[0].length;
    return vars.get(m[1]!) ?? '';
  };
  while (i < line.length) {
    const ch = line[i]!;
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    if (!inWord && (ch === '#' || ch === ';' || ch === '|' || ch === '&')) break;
    inWord = true;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? line.length : end + 1;
    } else if (ch === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) {
          word += line[i + 1];
          i += 2;
        } else if (line[i] === '$') {
          word += expand();
        } else {
          word += line[i];
          i++;
        }
      }
      i++;
    } else if (ch === '$') {
      word += expand();
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[i + 1];
      i += 2;
    } else {
      word += ch;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The last bootstrap.sh call of a script (cloud-config runcmd lines included), read as the script passes it. */
function bootstrapShSettings(script: string): NodeSettings | undefined {
  const lines = logicalLines(script);
  const vars = assignments(lines);
  let settings: NodeSettings | undefined;
  for (const line of lines) {
    // cloud-config: "- /etc/eks/bootstrap.sh ..." or "- [ /etc/eks/bootstrap.sh, ... ]" (the first form is read).
    const command = line.replace(/^\s*-\s+/, '');
    const words = shellWords(command, vars);
    const at = words.findIndex((w) => /(^|\/)bootstrap\.sh$/.test(w));
    // The command itself, not an argument of echo or test: only sudo, exec, a shell or VAR=value before it.
    if (at < 0 || !words.slice(0, at).every((w) => /^(sudo|exec|bash|sh|env|nohup|time)$|^[A-Za-z_][A-Za-z0-9_]*=/.test(w))) continue;
    settings = bootstrapArguments(words.slice(at + 1));
  }
  return settings;
}

/** bootstrap.sh's options (amazon-eks-ami templates/al2/runtime/bootstrap.sh): the cluster name is its only positional argument. */
function bootstrapArguments(args: string[]): NodeSettings {
  const settings: NodeSettings = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      settings.clusterName ??= arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) break;
    if (name === 'b64-cluster-ca') settings.caFingerprint = caFingerprint(value);
    else if (name === 'apiserver-endpoint') settings.apiServerEndpoint = value;
    else if (name === 'dns-cluster-ip') settings.clusterDns = [value];
    else if (name === 'service-ipv4-cidr') settings.serviceCidr = value;
    else if (name === 'use-max-pods') settings.useMaxPods = value !== 'false';
    else if (name === 'kubelet-extra-args') applyKubeletFlags(settings, shellWords(value, new Map()));
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------
// Windows

/** Start-EKSBootstrap.ps1's parameters (-EKSClusterName, -APIServerEndpoint, -Base64ClusterCA, -DNSClusterIP, -ServiceCIDR, -KubeletExtraArgs). */
function windowsSettings(script: string): NodeSettings {
  const vars = new Map<string, string>();
  for (const m of script.matchAll(/^\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(["'])(.*?)\2\s*$/gm)) vars.set(m[1]!, m[3]!);
  const call = script.split(/\r?\n/).find((l) => /Start-EKSBootstrap\.ps1|EKS-StartBootstrap|\$EKSBootstrapScriptFile/i.test(l) && /-EKSClusterName/i.test(l));
  const settings: NodeSettings = {};
  if (!call) return settings;
  const param = (name: string): string | undefined => {
    const m = new RegExp(`-${name}\\s+(?:"([^"]*)"|'([^']*)'|(\\S+))`, 'i').exec(call);
    const raw = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
    return raw?.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_all, v: string) => vars.get(v) ?? '');
  };
  const name = param('EKSClusterName');
  const endpoint = param('APIServerEndpoint');
  const ca = param('Base64ClusterCA');
  const dns = param('DNSClusterIP');
  const cidr = param('ServiceCIDR');
  const extra = param('KubeletExtraArgs');
  if (name) settings.clusterName = name;
  if (endpoint) settings.apiServerEndpoint = endpoint;
  if (ca) settings.caFingerprint = caFingerprint(ca);
  if (dns) settings.clusterDns = [dns];
  if (cidr) settings.serviceCidr = cidr;
  if (extra) applyKubeletFlags(settings, shellWords(extra, new Map()));
  return settings;
}

// ---------------------------------------------------------------------------------------------
// Bottlerocket TOML (the subset Bottlerocket settings use: tables, dotted and quoted keys, strings, numbers, booleans, arrays)

type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };
type TomlTable = { [key: string]: TomlValue };

function parseKey(text: string): string[] | undefined {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    parts.push(m[1] ?? m[2] ?? m[3]!);
    pos = re.lastIndex;
    if (m[4] === '') break;
  }
  return parts.length > 0 ? parts : undefined;
}

function parseTomlValue(text: string): { value: TomlValue; rest: string } | undefined {
  const s = text.trimStart();
  let m: RegExpExecArray | null;
  if ((m = /^"((?:[^"\\]|\\.)*)"/.exec(s))) return { value: m[1]!.replace(/\\(.)/g, '$1'), rest: s.slice(m[0].length) };
  if ((m = /^'([^']*)'/.exec(s))) return { value: m[1]!, rest: s.slice(m[0].length) };
  if ((m = /^(true|false)\b/.exec(s))) return { value: m[1] === 'true', rest: s.slice(m[0].length) };
  if ((m = /^[+-]?\d+(\.\d+)?\b/.exec(s))) return { value: Number(m[0]), rest: s.slice(m[0].length) };
  if (s.startsWith('[')) {
    const items: TomlValue[] = [];
    let rest = s.slice(1).trimStart();
    while (!rest.startsWith(']')) {
      const item = parseTomlValue(rest);
      if (!item) return undefined;
      items.push(item.value);
      rest = item.rest.trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith(']')) return undefined;
    }
    return { value: items, rest: rest.slice(1) };
  }
  if (s.startsWith('{')) {
    const table: TomlTable = {};
    let rest = s.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      const eq = rest.indexOf('=');
      const key = eq > 0 ? parseKey(rest.slice(0, eq).trim()) : undefined;
      const item = key ? parseTomlValue(rest.slice(eq + 1)) : undefined;
      if (!key || !item) return undefined;
      setPath(table, key, item.value);
      rest = item.rest.trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) return undefined;
    }
    return { value: table, rest: rest.slice(1) };
  }
  return undefined;
}

function setPath(table: TomlTable, path: string[], value: TomlValue): boolean {
  let at = table;
  for (const key of path.slice(0, -1)) {
    const next = at[key] ?? (at[key] = {});
    if (typeof next !== 'object' || Array.isArray(next)) return false;
    at = next;
  }
  at[path[path.length - 1]!] = value;
  return true;
}

/** TOML, multi-line arrays joined; an error names the line, never its text. */
export function parseToml(text: string): { table: TomlTable } | { error: string } {
  const root: TomlTable = {};
  let current: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!.trim();
    const lineNumber = n + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const m = /^\[\s*([^\]]+?)\s*\]\s*(#.*)?$/.exec(line);
      const key = m ? parseKey(m[1]!) : undefined;
      if (!key) return { error: `TOML table header not understood at line ${lineNumber}` };
      current = key;
      if (!setPath(root, key, getPath(root, key) ?? {})) return { error: `TOML table redefines a value at line ${lineNumber}` };
      continue;
    }
    // A value spanning lines (an array): read until the brackets balance.
    while ((line.split('[').length > line.split(']').length || line.split('{').length > line.split('}').length) && n + 1 < lines.length) line += ' ' + lines[++n]!.trim();
    const eq = line.indexOf('=');
    const key = eq > 0 ? parseKey(line.slice(0, eq).trim()) : undefined;
    const value = key ? parseTomlValue(line.slice(eq + 1)) : undefined;
    if (!key || !value || !/^\s*(#.*)?$/.test(value.rest)) return { error: `TOML key/value not understood at line ${lineNumber}` };
    if (!setPath(root, [...current, ...key], value.value)) return { error: `TOML key conflicts with a value at line ${lineNumber}` };
  }
  return { table: root };
}

function getPath(table: TomlTable, path: string[]): TomlValue | undefined {
  let at: TomlValue | undefined = table;
  for (const key of path) at = at !== undefined && typeof at === 'object' && !Array.isArray(at) ? at[key] : undefined;
  return at;
}

/** settings.kubernetes.* (Bottlerocket's settings reference). */
function bottlerocketSettings(table: TomlTable): NodeSettings {
  const k8s = getPath(table, ['settings', 'kubernetes']);
  const settings: NodeSettings = {};
  if (!k8s || typeof k8s !== 'object' || Array.isArray(k8s)) return settings;
  const str = (key: string) => (typeof k8s[key] === 'string' ? k8s[key] : undefined);
  if (str('cluster-name')) settings.clusterName = str('cluster-name');
  if (str('api-server')) settings.apiServerEndpoint = str('api-server');
  if (str('cluster-certificate')) settings.caFingerprint = caFingerprint(str('cluster-certificate'));
  if (str('service-ipv4-cidr')) settings.serviceCidr = str('service-ipv4-cidr');
  const dns = k8s['cluster-dns-ip'];
  if (typeof dns === 'string') settings.clusterDns = [dns];
  else if (Array.isArray(dns)) settings.clusterDns = dns.filter((d): d is string => typeof d === 'string');
  if (typeof k8s['max-pods'] === 'number') settings.maxPods = k8s['max-pods'];
  const labels = k8s['node-labels'];
  if (labels && typeof labels === 'object' && !Array.isArray(labels)) {
    settings.nodeLabels = Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
  const taints = k8s['node-taints'];
  if (taints && typeof taints === 'object' && !Array.isArray(taints)) {
    settings.taints = Object.entries(taints).flatMap(([key, v]) =>
      (Array.isArray(v) ? v : [v]).flatMap((entry) => {
        const m = typeof entry === 'string' ? /^(?:([^:]*):)?(\w+)$/.exec(entry) : null;
        return m ? [{ key, ...(m[1] ? { value: m[1] } : {}), effect: m[2]! }] : [];
      }),
    );
  }
  return settings;
}
