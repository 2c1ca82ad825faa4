import { defineDiagnostic, type NewFinding } from '../src/engine/diagnostic.js';
import type { ResourceRef } from '../src/engine/finding.js';
import { resource } from '../src/engine/resources.js';
import type { K8s, KubePod, Snapshot } from '../src/snapshot/types.js';
import type { V1Container, V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import { compatibleAddonVersions, type CatalogVersion } from './lib/addon-catalog.js';
import { compareVersions, imageTag, parseVersion, sameRelease, type Version } from './lib/kube-version.js';
import { DOCS } from './lib/docs-links.js';

type Code = 'managed-addon-incompatible' | 'managed-addon-behind-default' | 'self-managed-incompatible' | 'self-managed-behind-default' | 'daemonset-pods-not-ready';

/** The core components EKS also offers as add-ons, and where a self-managed install keeps its version. */
const CORE_COMPONENTS = [
  { addon: 'vpc-cni', kind: 'DaemonSet', name: 'aws-node', container: 'aws-node', docs: DOCS.managingVpcCni },
  { addon: 'kube-proxy', kind: 'DaemonSet', name: 'kube-proxy', container: 'kube-proxy', docs: DOCS.managingKubeProxy },
  { addon: 'coredns', kind: 'Deployment', name: 'coredns', container: 'coredns', docs: DOCS.managingCoredns },
] as const;

/**
 * kube-proxy versions are listed only for the cluster's own minor, yet the skew policy allows
 * older ones right after a control plane upgrade: version-skew judges kube-proxy compatibility,
 * this check only says when it is behind the default build.
 */
const SKEW_JUDGED = new Set(['kube-proxy']);

export default defineDiagnostic<Code>({
  id: 'addon-versions',
  title: "Add-on versions supported for the cluster's Kubernetes version",
  description:
    "Managed add-ons must run a version DescribeAddonVersions lists as compatible with the cluster's Kubernetes version, ideally the default one. " +
    'Self-managed vpc-cni (aws-node), kube-proxy and coredns are judged the same way from their image tags. aws-node and kube-proxy DaemonSets with ' +
    'fewer ready pods than desired are reported as add-on symptoms for the identity and version checks to explain.',
  docs: [DOCS.eksAddOns, DOCS.updatingAnAddOn, DOCS.managingVpcCni, DOCS.managingKubeProxy, DOCS.managingCoredns],
  needs: ['aws.cluster'],
  uses: ['aws.addons', 'aws.addonVersions', 'kubernetes.daemonSets', 'kubernetes.deployments', 'kubernetes.kubeSystemPods'],
  codes: {
    'managed-addon-incompatible': {
      severity: 'critical',
      title: "Managed add-on version not supported for the cluster's Kubernetes version",
      description: 'DescribeAddonVersions does not list the installed version as compatible with the cluster version (typically after a control plane upgrade without add-on upgrades); it may fail in ways EKS does not test.',
      explains: ['addon-unhealthy'],
    },
    'managed-addon-behind-default': {
      severity: 'warning',
      title: 'Managed add-on behind its default version',
      description: 'The add-on is compatible but older than the version EKS installs by default for this Kubernetes version, missing its fixes.',
    },
    'self-managed-incompatible': {
      severity: 'critical',
      title: "Self-managed component older than any version supported for the cluster's Kubernetes version",
      description: 'The image of a self-managed vpc-cni or coredns is older than the oldest add-on version EKS lists as compatible with the cluster version.',
      explains: ['addon-unhealthy'],
    },
    'self-managed-behind-default': {
      severity: 'warning',
      title: 'Self-managed component behind the default add-on version',
      description: 'The image of a self-managed vpc-cni, kube-proxy or coredns is older than the add-on version EKS recommends for this Kubernetes version.',
    },
    'daemonset-pods-not-ready': {
      severity: 'warning',
      title: 'aws-node or kube-proxy pods not ready',
      description: 'Fewer aws-node or kube-proxy pods are ready than the DaemonSet wants: on those nodes pods get no IP (aws-node) or Services do not route (kube-proxy).',
      symptom: 'addon-unhealthy',
    },
  },
  check({ snapshot }) {
    const findings: NewFinding<Code>[] = [];
    const clusterVersion = snapshot.aws.cluster?.version;
    if (clusterVersion) {
      findings.push(...managedAddons(snapshot, clusterVersion));
      findings.push(...selfManaged(snapshot, clusterVersion));
    }
    findings.push(...daemonSetReadiness(snapshot));
    return findings;
  },
});

function updateCommand(snapshot: Snapshot, addon: string, version: string | undefined): string {
  return `aws eks update-addon --cluster-name ${snapshot.cluster.name} --region ${snapshot.cluster.region} --addon-name ${addon}${version ? ` --addon-version ${version}` : ''} --resolve-conflicts PRESERVE`;
}

function listVersionsCommand(snapshot: Snapshot, addon: string, clusterVersion: string): string {
  return `aws eks describe-addon-versions --region ${snapshot.cluster.region} --addon-name ${addon} --kubernetes-version ${clusterVersion} --query 'addons[].addonVersions[].[addonVersion, compatibilities[0].defaultVersion]' --output text`;
}

function managedAddons(snapshot: Snapshot, clusterVersion: string): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  for (const addon of snapshot.aws.addons ?? []) {
    const name = addon.addonName;
    const installed = parseVersion(addon.addonVersion);
    if (!name || !installed) continue;
    const catalog = compatibleAddonVersions(snapshot, name, clusterVersion);
    if (!catalog || catalog.length === 0) continue; // not described: nothing to judge against
    const target = catalog.find((v) => v.isDefault) ?? catalog[0]!;
    const resources = [resource.addon(name)];
    const listed = catalog.some((v) => v.addonVersion === addon.addonVersion);
    const evidence = [
      `${name} installed: ${addon.addonVersion} (status ${addon.status ?? 'unknown'})`,
      `Cluster version: ${clusterVersion}`,
      `Compatible versions: ${catalog.slice(0, 5).map((v) => v.addonVersion + (v.isDefault ? ' (default)' : '')).join(', ')}${catalog.length > 5 ? ', ...' : ''}`,
    ];
    if (!listed && !SKEW_JUDGED.has(name)) {
      findings.push({
        code: 'managed-addon-incompatible',
        title: `${name} ${addon.addonVersion} is not supported on Kubernetes ${clusterVersion}`,
        rootCause:
          compareVersions(installed, catalog[catalog.length - 1]!.version) < 0
            ? `DescribeAddonVersions lists no ${name} ${addon.addonVersion} for Kubernetes ${clusterVersion}: the add-on was most likely left behind by a control plane upgrade and runs untested against this API server.`
            : `DescribeAddonVersions does not list ${name} ${addon.addonVersion} as compatible with Kubernetes ${clusterVersion}, so EKS does not support this combination.`,
        evidence,
        resources,
        keyResource: name,
        fix: { summary: `Update ${name} to ${target.addonVersion}; go one minor version at a time if it is several behind.`, commands: [updateCommand(snapshot, name, target.addonVersion), listVersionsCommand(snapshot, name, clusterVersion)], docs: [DOCS.updatingAnAddOn] },
        canExplain: [{ symptom: 'addon-unhealthy', resources: [...resources, ...componentRefs(name)] }],
      });
      continue;
    }
    const defaultVersion = catalog.find((v) => v.isDefault);
    if (defaultVersion && compareVersions(installed, defaultVersion.version) < 0) {
      findings.push({
        code: 'managed-addon-behind-default',
        title: `${name} ${addon.addonVersion} is behind the default ${defaultVersion.addonVersion} for Kubernetes ${clusterVersion}`,
        rootCause: `EKS installs ${name} ${defaultVersion.addonVersion} by default on Kubernetes ${clusterVersion}; ${addon.addonVersion} is older and misses its fixes.`,
        evidence,
        resources,
        keyResource: name,
        fix: { summary: `Update ${name} to ${defaultVersion.addonVersion} in a maintenance window.`, commands: [updateCommand(snapshot, name, defaultVersion.addonVersion)], docs: [DOCS.updatingAnAddOn] },
      });
    }
  }
  return findings;
}

function componentRefs(addon: string): ResourceRef[] {
  const component = CORE_COMPONENTS.find((c) => c.addon === addon);
  if (!component) return [];
  return [component.kind === 'DaemonSet' ? resource.daemonSet('kube-system', component.name) : resource.deployment('kube-system', component.name)];
}

function workloadOf(snapshot: Snapshot, kind: 'DaemonSet' | 'Deployment', name: string): K8s<V1DaemonSet> | K8s<V1Deployment> | undefined {
  const list = kind === 'DaemonSet' ? snapshot.kubernetes.daemonSets : snapshot.kubernetes.deployments;
  return (list ?? []).find((w) => w.metadata?.namespace === 'kube-system' && w.metadata?.name === name);
}

function selfManaged(snapshot: Snapshot, clusterVersion: string): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  const managed = new Set((snapshot.aws.addons ?? []).map((a) => a.addonName));
  // Without the add-on list we cannot tell a managed install from a self-managed one.
  if (snapshot.aws.addons === undefined) return findings;
  for (const component of CORE_COMPONENTS) {
    if (managed.has(component.addon)) continue;
    const workload = workloadOf(snapshot, component.kind, component.name);
    const containers: K8s<V1Container>[] = workload?.spec?.template?.spec?.containers ?? [];
    const container = containers.find((c) => c.name === component.container) ?? containers[0];
    const running = parseVersion(imageTag(container?.image));
    if (!workload || !running) continue;
    const catalog = compatibleAddonVersions(snapshot, component.addon, clusterVersion);
    if (!catalog || catalog.length === 0) continue;
    const oldest = catalog[catalog.length - 1]!;
    const defaultVersion = catalog.find((v) => v.isDefault) ?? catalog[0]!;
    const ref = component.kind === 'DaemonSet' ? resource.daemonSet('kube-system', component.name) : resource.deployment('kube-system', component.name);
    const resources = [ref, resource.addon(component.addon)];
    const evidence = [
      `kube-system/${component.name} image: ${container!.image}`,
      `${component.addon} is self-managed (no EKS add-on)`,
      `Add-on versions for Kubernetes ${clusterVersion}: ${describeRange(catalog)}`,
    ];
    const commands = [
      listVersionsCommand(snapshot, component.addon, clusterVersion),
      `aws eks create-addon --cluster-name ${snapshot.cluster.name} --region ${snapshot.cluster.region} --addon-name ${component.addon} --addon-version ${defaultVersion.addonVersion} --resolve-conflicts OVERWRITE`,
    ];
    if (!SKEW_JUDGED.has(component.addon) && compareRelease(running, oldest.version) < 0) {
      findings.push({
        code: 'self-managed-incompatible',
        title: `Self-managed ${component.addon} ${versionText(running)} is older than any version supported on Kubernetes ${clusterVersion}`,
        rootCause: `kube-system/${component.name} runs ${versionText(running)}, older than ${oldest.addonVersion}, the oldest ${component.addon} EKS supports on ${clusterVersion}; it was most likely not updated with the control plane.`,
        evidence,
        resources,
        keyResource: ref.id,
        fix: { summary: `Move ${component.addon} to ${defaultVersion.addonVersion}: adopt the EKS add-on (it takes over the existing objects) or update the image yourself.`, commands, docs: [component.docs, DOCS.updatingAnAddOn] },
        canExplain: [{ symptom: 'addon-unhealthy', resources }],
      });
    } else if (compareRelease(running, defaultVersion.version) < 0) {
      findings.push({
        code: 'self-managed-behind-default',
        title: `Self-managed ${component.addon} ${versionText(running)} is behind ${defaultVersion.addonVersion}, the default for Kubernetes ${clusterVersion}`,
        rootCause: `kube-system/${component.name} runs ${versionText(running)}; EKS recommends ${defaultVersion.addonVersion} for Kubernetes ${clusterVersion}.`,
        evidence,
        resources,
        keyResource: ref.id,
        fix: { summary: `Update ${component.addon} to ${defaultVersion.addonVersion}, or adopt the EKS add-on so EKS keeps it current.`, commands, docs: [component.docs, DOCS.updatingAnAddOn] },
      });
    }
  }
  return findings;
}

/** Self-managed images are compared on the upstream release (x.y.z): their build suffixes differ from the add-on's. */
function compareRelease(a: Version, b: Version): number {
  return sameRelease(a, b) ? 0 : compareVersions({ ...a, build: 0 }, { ...b, build: 0 });
}

function versionText(v: Version): string {
  return v.text.startsWith('v') ? v.text : `v${v.text}`;
}

function describeRange(catalog: CatalogVersion[]): string {
  const d = catalog.find((v) => v.isDefault);
  return `${catalog[catalog.length - 1]!.addonVersion} to ${catalog[0]!.addonVersion}${d ? `, default ${d.addonVersion}` : ''}`;
}

/** aws-node and kube-proxy DaemonSets with fewer ready pods than desired: a symptom the identity and version causes explain. */
function daemonSetReadiness(snapshot: Snapshot): NewFinding<Code>[] {
  const findings: NewFinding<Code>[] = [];
  for (const component of CORE_COMPONENTS.filter((c) => c.kind === 'DaemonSet')) {
    const ds = workloadOf(snapshot, 'DaemonSet', component.name) as K8s<V1DaemonSet> | undefined;
    const desired = ds?.status?.desiredNumberScheduled ?? 0;
    const ready = ds?.status?.numberReady ?? 0;
    if (!ds || desired === 0 || ready >= desired) continue;
    const notReadyPods = (snapshot.kubernetes.kubeSystemPods ?? []).filter(
      (p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === component.name) && !isReady(p),
    );
    const nodes = [...new Set(notReadyPods.map((p) => p.spec?.nodeName).filter((n): n is string => Boolean(n)))];
    const reasons = notReadyPods.slice(0, 5).map((p) => `${p.metadata?.name} on ${p.spec?.nodeName ?? '(unscheduled)'}: ${podProblem(p)}`);
    findings.push({
      code: 'daemonset-pods-not-ready',
      ...(ready === 0 ? { severity: 'critical' as const } : {}),
      title: `${ready} of ${desired} ${component.name} pods are ready`,
      rootCause:
        component.name === 'aws-node'
          ? `The VPC CNI is not running on ${desired - ready} node(s): those nodes stay NotReady ("cni plugin not initialized") and new pods on them get no IP.`
          : `kube-proxy is not running on ${desired - ready} node(s): Services do not route from pods on those nodes.`,
      evidence: [`kube-system/${component.name}: desired ${desired}, ready ${ready}, available ${ds.status?.numberAvailable ?? 0}`, ...reasons],
      resources: [resource.daemonSet('kube-system', component.name), resource.addon(component.addon), ...nodes.map((n) => resource.node(n))],
      keyResource: `kube-system/${component.name}`,
      fix: {
        summary: `Find out why the ${component.name} pods are not ready (the causes above, if any, say it); their logs usually name the failing AWS call.`,
        commands: [
          `kubectl -n kube-system get pods -l k8s-app=${component.name} -o wide`,
          `kubectl -n kube-system logs -l k8s-app=${component.name} -c ${component.container} --tail=50`,
          `kubectl -n kube-system describe daemonset ${component.name}`,
        ],
        docs: [component.docs],
      },
    });
  }
  return findings;
}


function isReady(pod: KubePod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function podProblem(pod: KubePod): string {
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason) return `${status.name} ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    if (!status.ready) return `${status.name} not ready (restarts: ${status.restartCount ?? 0})`;
  }
  return pod.status?.phase ?? 'not ready';
}
