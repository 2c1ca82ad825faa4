/**
 * The manifests in deploy/ are valid against the Kubernetes API schemas, use the canonical read-only
 * ClusterRole, and only pass flags the CLI really has; the Dockerfile passes a linter.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { modelFor } from './support/kubernetes-schema.js';
import { runCli } from './support/run-cli.js';

const require = createRequire(import.meta.url);
const manifestsDir = join('deploy', 'kubernetes');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

function loadManifests(): { file: string; doc: Manifest }[] {
  return readdirSync(manifestsDir)
    // kustomization.yaml lists these files (kubectl apply -k); test/kustomize.test.ts renders it.
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) => parseAllDocuments(readFileSync(join(manifestsDir, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as Manifest })));
}

const manifests = loadManifests();
const canonicalRole = parseAllDocuments(readFileSync(join('policy', 'clusterrole.yaml'), 'utf8'))[0]!.toJS() as Manifest & { rules: unknown };

describe('deploy/kubernetes manifests', () => {
  it('include the pieces a scheduled audit needs', () => {
    // The ClusterRole itself is policy/clusterrole.yaml, applied with these (never a copy that could drift).
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(['ClusterRoleBinding', 'CronJob', 'Namespace', 'PersistentVolumeClaim', 'ServiceAccount']);
  });

  it.each([...manifests, { file: 'policy/clusterrole.yaml', doc: canonicalRole }].map((m) => [`${m.file} ${m.doc.kind}/${m.doc.metadata.name}`, m.doc] as const))('%s is valid against the Kubernetes schema', (_name, doc) => {
    const Model = modelFor(doc.apiVersion, doc.kind);
    expect(Model, `no schema for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
    expect(() => new Model!(doc).validate()).not.toThrow();
  });

  it('the validator really rejects a broken manifest', () => {
    const cronJob = structuredClone(manifests.find((m) => m.doc.kind === 'CronJob')!.doc) as Manifest & { spec: Record<string, unknown> };
    cronJob.spec.schedule = 17;
    expect(() => new (modelFor('batch/v1', 'CronJob')!)(cronJob).validate()).toThrow();
  });

  it('binds the canonical read-only ClusterRole from policy/clusterrole.yaml', () => {
    const canonical = canonicalRole;
    const binding = manifests.find((m) => m.doc.kind === 'ClusterRoleBinding')!.doc as Manifest & { roleRef: { name: string }; subjects: { name: string; namespace: string }[] };
    expect(binding.roleRef.name).toBe(canonical.metadata.name);
    const sa = manifests.find((m) => m.doc.kind === 'ServiceAccount')!.doc;
    expect(binding.subjects).toContainEqual(expect.objectContaining({ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }));
  });

  it('runs the job as non-root with a read-only root filesystem and bounded resources', () => {
    const cronJob = manifests.find((m) => m.doc.kind === 'CronJob')!.doc as unknown as { spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: string; securityContext: { runAsNonRoot: boolean }; containers: { securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean }; resources: { requests: object; limits: object } }[] } } } } } };
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.serviceAccountName).toBe('eks-doctor');
    for (const c of pod.containers) {
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
    }
  });

  it('passes only options that `eks-doctor diagnose` accepts', async () => {
    const cronJob = manifests.find((m) => m.doc.kind === 'CronJob')!.doc as unknown as { spec: { jobTemplate: { spec: { template: { spec: { containers: { args: string[] }[] } } } } } };
    const args = cronJob.spec.jobTemplate.spec.template.spec.containers[0]!.args;
    expect(args[0]).toBe('diagnose');
    const help = (await runCli(['diagnose', '--help'])).stdout;
    for (const flag of args.filter((a) => a.startsWith('--'))) expect(help, `diagnose --help does not list ${flag}`).toContain(`${flag} `);
  });
});

describe('the CronJob as a scheduled audit', () => {
  const cronJob = manifests.find((m) => m.doc.kind === 'CronJob')!.doc as unknown as {
    spec: { schedule: string; jobTemplate: { spec: { template: { spec: { containers: { args: string[]; volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { name: string; persistentVolumeClaim?: object }[] } } } } };
  };
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const container = pod.containers[0]!;
  const argAfter = (flag: string) => container.args[container.args.indexOf(flag) + 1];

  it('keeps the history on the reports volume, a persistent one', () => {
    const history = argAfter('--history')!;
    const mount = container.volumeMounts.find((m) => history.startsWith(`${m.mountPath}/`));
    expect(mount?.name).toBe('reports');
    expect(pod.volumes.find((v) => v.name === mount!.name)!.persistentVolumeClaim).toBeDefined();
  });

  it('gives Alertmanager the interval of its own schedule, so alerts outlive one missed run and no more', () => {
    // "M * * * *" runs hourly.
    expect(cronJob.spec.schedule).toMatch(/^\d+ \* \* \* \*$/);
    expect(Number(argAfter('--schedule-interval'))).toBe(3600);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join('deploy', 'Dockerfile'), 'utf8');

  it('passes dockerfilelint', () => {
    const out = execFileSync(process.execPath, [require.resolve('dockerfilelint/bin/dockerfilelint'), '-o', 'json', join('deploy', 'Dockerfile')], { encoding: 'utf8' });
    const result = JSON.parse(out) as { files: { issues: unknown[] }[] };
    expect(result.files[0]!.issues).toEqual([]);
  });

  it('is multi-stage, pinned, and runs as a non-root user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) expect(image).toMatch(/:[^:]+$/);
    for (const image of froms) expect(image).not.toMatch(/:latest$/);
    expect(dockerfile).toMatch(/^USER\s+(65532|nonroot)/m);
    expect(dockerfile).toContain('npm prune --omit=dev');
  });
});
