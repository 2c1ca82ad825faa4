/**
 * The Kustomize base (deploy/kubernetes) and its overlays (deploy/overlays/*), rendered by
 * `kubectl kustomize` as `kubectl apply -k` would: every object valid against the Kubernetes
 * schemas, the ClusterRole exactly policy/clusterrole.yaml, every argument one the CLI parses, the
 * memory sized from docs/performance.md's figures, and each overlay doing what it is for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseCommandArgs, withCatalogueOptions } from '../src/cli/command.js';
import { diagnoseCommand } from '../src/cli/commands/diagnose.js';
import { parseShard } from '../src/cli/fleet-shard.js';
import { modelFor } from './support/kubernetes-schema.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Container {
  args: string[];
  env: EnvVar[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts: { name: string; mountPath: string }[];
}
interface JobSpec {
  completionMode?: string;
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  template: { spec: { containers: Container[]; volumes: { name: string; persistentVolumeClaim?: { claimName: string }; configMap?: { name: string } }[] } };
}

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `kubectl is not installed here (${(error as Error).message.split('\n')[0]}): the Kustomize overlays cannot be rendered`;
  }
})();
if (kubectl) console.log(`test/kustomize.test.ts skipped: ${kubectl}`);

function render(dir: string): Manifest[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Manifest);
}
const one = (docs: Manifest[], kind: string) => {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};
const jobOf = (docs: Manifest[]) => (one(docs, 'CronJob') as unknown as { spec: { schedule: string; jobTemplate: { spec: JobSpec } } }).spec.jobTemplate.spec;
const containerOf = (docs: Manifest[]) => jobOf(docs).template.spec.containers[0]!;
const envValue = (c: Container, name: string) => c.env.find((e) => e.name === name)?.value;
const diagnose = await withCatalogueOptions(diagnoseCommand);
/** Kubernetes expands $(VAR) in args from the container's env; the CLI then sees the values. */
const expanded = (c: Container) => c.args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_m, name: string) => envValue(c, name) ?? `<${name}>`));
const heapCapMb = (c: Container) => Number(/--max-old-space-size=(\d+)/.exec(envValue(c, 'NODE_OPTIONS') ?? '')?.[1]);
const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1] ?? Number(/^(\d+)Gi$/.exec(quantity)?.[1]) * 1024);

/** docs/performance.md: the live data of a 20,000-node cluster fits in 320-384 MB of heap; V8 wants the cap about 60% of the limit. */
const LIVE_HEAP_MB_AT_20000_NODES = 384;

const canonicalRole = parse(readFileSync(join('policy', 'clusterrole.yaml'), 'utf8')) as Manifest;
const KUSTOMIZATIONS = ['deploy/kubernetes', 'deploy/overlays/pod-identity', 'deploy/overlays/monitoring', 'deploy/overlays/fleet'];
const rendered = kubectl ? new Map<string, Manifest[]>() : new Map(KUSTOMIZATIONS.map((dir) => [dir, render(dir)] as const));
const base = () => rendered.get('deploy/kubernetes')!;

describe.skipIf(kubectl)('kubectl kustomize', () => {
  describe.each(KUSTOMIZATIONS)('%s', (dir) => {
    const docs = () => rendered.get(dir)!;

    it('renders objects that are valid against the Kubernetes schemas', () => {
      expect(docs().length).toBeGreaterThanOrEqual(6);
      for (const doc of docs()) {
        const Model = modelFor(doc.apiVersion, doc.kind);
        expect(Model, `no schema for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
        expect(() => new Model!(doc).validate(), `${doc.kind}/${doc.metadata.name}`).not.toThrow();
      }
    });

    it('applies policy/clusterrole.yaml itself, bound to the job\'s ServiceAccount', () => {
      expect(one(docs(), 'ClusterRole')).toEqual(canonicalRole);
      const sa = one(docs(), 'ServiceAccount');
      const binding = one(docs(), 'ClusterRoleBinding') as Manifest & { roleRef: { name: string }; subjects: object[] };
      expect(binding.roleRef.name).toBe(canonicalRole.metadata.name);
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'eks-doctor' }]);
      expect(jobOf(docs()).template.spec).toMatchObject({ serviceAccountName: sa.metadata.name });
      for (const doc of docs().filter((d) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass'].includes(d.kind))) expect(doc.metadata.namespace, doc.kind).toBe('eks-doctor');
    });

    it('passes the CLI only arguments it parses', () => {
      const c = containerOf(docs());
      expect(c.args[0]).toBe('diagnose');
      expect(() => parseCommandArgs(diagnose, expanded(c).slice(1))).not.toThrow();
      // Every $(VAR) is defined in the container's env, or Kubernetes passes it on verbatim.
      for (const arg of c.args) for (const m of arg.matchAll(/\$\(([A-Z_]+)\)/g)) expect(c.env.map((e) => e.name), arg).toContain(m[1]);
    });

    it('caps the heap at about 60% of the memory limit, above the live data of the clusters it audits at once', () => {
      const c = containerOf(docs());
      const args = expanded(c);
      const atOnce = args.includes('--all-clusters') ? Number(args[args.indexOf('--concurrency') + 1]) : 1;
      const limit = mebibytes(c.resources.limits.memory!);
      expect(heapCapMb(c) / limit).toBeGreaterThan(0.55);
      expect(heapCapMb(c) / limit).toBeLessThanOrEqual(0.65);
      expect(heapCapMb(c)).toBeGreaterThanOrEqual(atOnce * LIVE_HEAP_MB_AT_20000_NODES);
      expect(mebibytes(c.resources.requests.memory!)).toBeLessThan(limit);
    });
  });

  it('the validator really rejects a broken render', () => {
    const job = structuredClone(one(base(), 'CronJob')) as Manifest & { spec: { jobTemplate: { spec: JobSpec } } };
    (job.spec.jobTemplate.spec as unknown as Record<string, unknown>).completions = '3';
    expect(() => new (modelFor('batch/v1', 'CronJob')!)(job).validate()).toThrow();
  });

  it('pod-identity: the ServiceAccount without the IRSA role annotation, nothing else changed', () => {
    const docs = rendered.get('deploy/overlays/pod-identity')!;
    expect(base().find((d) => d.kind === 'ServiceAccount')!.metadata.annotations).toHaveProperty(['eks.amazonaws.com/role-arn']);
    expect(one(docs, 'ServiceAccount').metadata.annotations ?? {}).not.toHaveProperty(['eks.amazonaws.com/role-arn']);
    expect(docs.filter((d) => d.kind !== 'ServiceAccount')).toEqual(base().filter((d) => d.kind !== 'ServiceAccount'));
  });

  it('monitoring: the base job telling Alertmanager and pushing to a Pushgateway', () => {
    const args = containerOf(rendered.get('deploy/overlays/monitoring')!).args;
    expect(args.slice(0, containerOf(base()).args.length)).toEqual(containerOf(base()).args);
    expect(args[args.indexOf('--notify') + 1]).toMatch(/^http:\/\/[a-z0-9.-]+:9093\/api\/v2\/alerts$/);
    expect(args[args.indexOf('--pushgateway') + 1]).toMatch(/^http:\/\/[a-z0-9.-]+:9091$/);
    // Alerts outlive one missed run and no more: the interval is the schedule's.
    expect(args[args.indexOf('--schedule-interval') + 1]).toBe('3600');
    expect((one(rendered.get('deploy/overlays/monitoring')!, 'CronJob') as unknown as { spec: { schedule: string } }).spec.schedule).toMatch(/^\d+ \* \* \* \*$/);
  });

  describe('fleet', () => {
    const docs = () => rendered.get('deploy/overlays/fleet')!;

    it('is an Indexed Job of N pods at once, each auditing shard JOB_COMPLETION_INDEX of N', () => {
      const job = jobOf(docs());
      const args = containerOf(docs()).args;
      expect(args).toContain('--all-clusters');
      const shardArg = args[args.indexOf('--shard') + 1]!;
      const count = parseShard(shardArg, { JOB_COMPLETION_INDEX: '0' }).count;
      expect(job).toMatchObject({ completionMode: 'Indexed', completions: count, parallelism: count });
      // Every index the Job controller hands out is a shard the CLI accepts; one past them is not.
      for (let index = 0; index < job.completions!; index++) expect(parseShard(shardArg, { JOB_COMPLETION_INDEX: String(index) })).toEqual({ index, count });
      expect(() => parseShard(shardArg, { JOB_COMPLETION_INDEX: String(job.completions) })).toThrow();
    });

    it('lets each shard fail on its own: no Job-wide backoffLimit that would stop the others', () => {
      const job = jobOf(docs());
      expect(job.backoffLimit).toBeUndefined();
      expect(job.backoffLimitPerIndex).toBe(0);
    });

    it('merges only the shards of one Job: --run-id is the Job\'s name, from the pod\'s label', () => {
      const c = containerOf(docs());
      expect(c.args[c.args.indexOf('--run-id') + 1]).toBe('$(JOB_NAME)');
      expect(c.env.find((e) => e.name === 'JOB_NAME')!.valueFrom!.fieldRef!.fieldPath).toBe("metadata.labels['batch.kubernetes.io/job-name']");
    });

    it('writes to a ReadWriteMany volume on EFS, which pods on different nodes can all write', () => {
      const c = containerOf(docs());
      const reportDir = c.args[c.args.indexOf('--report-dir') + 1]!;
      const mount = c.volumeMounts.find((m) => reportDir.startsWith(`${m.mountPath}/`))!;
      const claimName = jobOf(docs()).template.spec.volumes.find((v) => v.name === mount.name)!.persistentVolumeClaim!.claimName;
      const claim = docs().find((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === claimName) as Manifest & { spec: { accessModes: string[]; storageClassName: string } };
      expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
      const storageClass = docs().find((d) => d.kind === 'StorageClass' && d.metadata.name === claim.spec.storageClassName) as Manifest & { provisioner: string; parameters: Record<string, string> };
      expect(storageClass.provisioner).toBe('efs.csi.aws.com');
      // EFS ignores fsGroup: the access point must belong to the user the image runs as.
      const runAsUser = (jobOf(docs()).template.spec as unknown as { securityContext: { runAsUser: number } }).securityContext.runAsUser;
      expect(storageClass.parameters.uid).toBe(String(runAsUser));
    });

    it('reaches every account of AUDIT_PROFILES through the AWS config it mounts', () => {
      const c = containerOf(docs());
      const configFile = envValue(c, 'AWS_CONFIG_FILE')!;
      const mount = c.volumeMounts.find((m) => configFile.startsWith(`${m.mountPath}/`))!;
      const configMapName = jobOf(docs()).template.spec.volumes.find((v) => v.name === mount.name)!.configMap!.name;
      // The generated ConfigMap's name carries its content hash, and the volume follows it.
      const configMap = docs().find((d) => d.kind === 'ConfigMap' && d.metadata.name === configMapName) as Manifest & { data: Record<string, string> };
      expect(configMapName).toMatch(/^eks-doctor-aws-config-[a-z0-9]+$/);
      const config = configMap.data[configFile.slice(mount.mountPath.length + 1)]!;
      const profiles = [...config.matchAll(/^\[profile ([\w-]+)\]$/gm)].map((m) => m[1]);
      expect(envValue(c, 'AUDIT_PROFILES')!.split(',')).toEqual(profiles);
      // Each other account's role is assumed from the hub's web identity, whose token file is IRSA's.
      expect(config).toContain('web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token');
    });
  });

  describe('a user\'s overlay over the base', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-overlay-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('sets the IAM role, the image and the cluster at the base\'s patch points', () => {
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'resources:',
          // Kustomize takes a relative path only, as a user's overlay beside a clone would have.
          `  - ${relative(dir, resolve('deploy/kubernetes'))}`,
          'images:',
          '  - name: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/eks-doctor',
          '    newName: 444455556666.dkr.ecr.us-east-1.amazonaws.com/eks-doctor',
          '    newTag: 0.2.0',
          'patches:',
          '  - target: { kind: ServiceAccount, name: eks-doctor }',
          '    patch: |-',
          '      - op: replace',
          '        path: /metadata/annotations/eks.amazonaws.com~1role-arn',
          '        value: arn:aws:iam::444455556666:role/eks-doctor-audit',
          '  - target: { kind: CronJob, name: eks-doctor }',
          '    patch: |-',
          '      - op: replace',
          '        path: /spec/jobTemplate/spec/template/spec/containers/0/env/0/value',
          '        value: payments',
          '',
        ].join('\n'),
      );
      const docs = render(dir);
      expect(one(docs, 'ServiceAccount').metadata.annotations!['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::444455556666:role/eks-doctor-audit');
      const c = containerOf(docs) as Container & { image: string };
      expect(c.image).toBe('444455556666.dkr.ecr.us-east-1.amazonaws.com/eks-doctor:0.2.0');
      expect(expanded(c)).toContain('payments');
    });
  });
});
