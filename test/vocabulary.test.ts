/**
 * The shared vocabulary stays shared (docs/architecture.md, "One vocabulary"): each parser, builder
 * and EKS name is defined in one module and imported everywhere else, so a check or collector
 * written tomorrow finds the one that exists instead of adding a drifting copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** Every TypeScript source of the product, its mocks and its tests. */
function sources(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist' && !entry.name.startsWith('.')) walk(full);
      } else if (/\.tsx?$/.test(entry.name)) {
        out.push({ path: relative(root, full), text: readFileSync(full, 'utf8') });
      }
    }
  };
  for (const dir of ['src', 'diagnostics', 'mocks', 'test', 'bench', 'scripts']) walk(join(root, dir));
  return out;
}

const all = sources();
/** Product code: what collectors and checks run (tests and mocks build AWS-shaped data, literals and all). */
const product = all.filter((f) => (f.path.startsWith('src/') || f.path.startsWith('diagnostics/')) && !/\.test\.tsx?$/.test(f.path));
const exporters = (name: string) =>
  all.filter((f) => new RegExp(`export (?:async )?(?:const|let|function|type|interface|class) ${name}\\b|export (?:type )?\\{[^}]*\\b${name}\\b[^}]*\\}`).test(f.text)).map((f) => f.path);

describe('one vocabulary', () => {
  const owners: Record<string, string> = {
    parseIamArn: 'src/domain/iam-arn.ts',
    roleNameOf: 'src/domain/iam-arn.ts',
    instanceProfileNameOf: 'src/domain/iam-arn.ts',
    roleArnWithoutPath: 'src/domain/iam-arn.ts',
    assumedRoleOf: 'src/domain/iam-arn.ts',
    sameRole: 'src/domain/iam-arn.ts',
    instanceIdFromProviderId: 'src/domain/provider-id.ts',
    resource: 'src/engine/resources.ts',
    uniqueRefs: 'src/engine/resources.ts',
    NODE_ACCESS_ENTRY_TYPES: 'src/domain/eks-constants.ts',
    isNodeAccessEntryType: 'src/domain/eks-constants.ts',
    IRSA_ROLE_ANNOTATION: 'src/domain/eks-constants.ts',
    POD_IDENTITY_SERVICE_PRINCIPAL: 'src/domain/eks-constants.ts',
    NODE_ROLE_POLICIES: 'src/domain/eks-constants.ts',
    RECOMMENDED_NODE_ROLE_POLICY: 'src/domain/eks-constants.ts',
    managedPolicyArn: 'src/domain/eks-constants.ts',
    Ec2Instance: 'src/snapshot/types.ts',
    KubeNode: 'src/snapshot/types.ts',
    KubePod: 'src/snapshot/types.ts',
    AwsElement: 'src/snapshot/types.ts',
    KubernetesElement: 'src/snapshot/types.ts',
  };
  it.each(Object.entries(owners))('%s is exported by %s only', (name, owner) => {
    expect(exporters(name)).toEqual([owner]);
  });

  it('declares no local element type (type Item<T>) outside src/snapshot/types.ts', () => {
    expect(all.filter((f) => /\btype Item</.test(f.text) && f.path !== 'src/snapshot/types.ts' && f.path !== 'test/vocabulary.test.ts').map((f) => f.path)).toEqual([]);
  });

  it('declares no second name for a snapshot element type (Instance, ClusterNode, ScalingGroup, ...)', () => {
    const alias = /^(?:export )?type (\w+) = (?:NonNullable<(?:Snapshot|AwsData|KubernetesData|Reservation|SecurityGroup|RouteTable)\b|AwsElement<|KubernetesElement<)/m;
    expect(all.filter((f) => f.path !== 'src/snapshot/types.ts' && alias.test(f.text)).map((f) => `${f.path}: ${alias.exec(f.text)![1]}`)).toEqual([]);
  });

  it('parses providerIDs in one place', () => {
    expect(product.filter((f) => f.text.includes('(i-[0-9a-f]+)') && f.path !== 'src/domain/provider-id.ts').map((f) => f.path)).toEqual([]);
  });

  it('parses IAM ARNs in one place', () => {
    expect(product.filter((f) => /\/\^arn:[^/]*:iam::/.test(f.text) && f.path !== 'src/domain/iam-arn.ts').map((f) => f.path)).toEqual([]);
  });

  it('builds resource refs and de-duplicates them in one place', () => {
    const literal = /\{ type: '(?:aws|k8s):[^']*', id\b/;
    expect(product.filter((f) => literal.test(f.text) && f.path !== 'src/engine/resources.ts').map((f) => f.path)).toEqual([]);
    expect(product.filter((f) => f.text.includes('${r.type}|${r.id}') && f.path !== 'src/engine/resources.ts').map((f) => f.path)).toEqual([]);
  });

  it.each(['eks.amazonaws.com/role-arn', 'pods.eks.amazonaws.com', 'EC2_LINUX', 'EC2_WINDOWS', 'HYBRID_LINUX', 'FARGATE_LINUX', 'HYPERPOD_LINUX', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEC2ContainerRegistryPullOnly'])(
    "the EKS name '%s' is a code literal in src/domain/eks-constants.ts only",
    (name) => {
      expect(product.filter((f) => f.text.includes(`'${name}'`) && f.path !== 'src/domain/eks-constants.ts').map((f) => f.path)).toEqual([]);
    },
  );
});

describe('structure, not prose, in the engine contract', () => {
  const checkIds = readdirSync(join(root, 'diagnostics'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
  /** The engine, CLI, renderers and UI: where a check's id or reason text used as a flag would be a contract carried as prose. */
  const engineSide = product.filter((f) => f.path.startsWith('src/') && !f.path.startsWith('src/collect/'));
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('a deselected check is known by its field: no code compares or searches a check\'s reason text', () => {
    const readsReason = /\breason\??\.(?:startsWith|endsWith|includes|match|indexOf)\(|\breason\s*[!=]==?\s*['`]|['`]\s*[!=]==?\s*\w+\??\.reason\b/;
    expect(engineSide.filter((f) => readsReason.test(f.text)).map((f) => f.path)).toEqual([]);
    // The deselection text is written in one place (run-checks.ts) and read by people only.
    expect(product.filter((f) => /['`]not selected\b/.test(f.text) && f.path !== 'src/engine/run-checks.ts').map((f) => f.path)).toEqual([]);
  });

  it.each(checkIds)("no engine, CLI, renderer or UI code branches on the check id '%s' (a property of the check's definition says what it needs)", (id) => {
    const literal = `['"\`]${escape(id)}['"\`]`;
    const asFlag = new RegExp(`[!=]==?\\s*${literal}|${literal}\\s*[!=]==?|\\.(?:has|includes)\\(\\s*${literal}|\\bcase\\s+${literal}\\s*:|Set\\(\\[[^\\]]*${literal}`);
    expect(engineSide.filter((f) => asFlag.test(f.text)).map((f) => f.path)).toEqual([]);
  });
});
