/**
 * The cluster-autoscaler as its Deployment declares it: which Deployment runs it, and the flags the
 * collector (its status ConfigMap) and the checks (which Auto Scaling groups it can see) read.
 * Flag names and defaults from memory of cluster-autoscaler's config/flags/flags.go and
 * cloudprovider/aws/aws_manager.go (parseASGAutoDiscoverySpecs: `asg:tag=KEY[=VALUE],KEY[=VALUE]`).
 */

interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
}

interface DeploymentLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { template?: { spec?: { containers?: Container[] } } };
}

/** The default of `--status-config-map-name`. */
export const DEFAULT_STATUS_CONFIG_MAP = 'cluster-autoscaler-status';
/** The default of `--namespace` (where it writes its status ConfigMap). */
export const DEFAULT_AUTOSCALER_NAMESPACE = 'kube-system';

/** The container running cluster-autoscaler: its image is .../cluster-autoscaler:TAG, or its command is cluster-autoscaler. */
export function clusterAutoscalerContainer(deployment: DeploymentLike): Container | undefined {
  return deployment.spec?.template?.spec?.containers?.find((c) => {
    const repository = (c.image ?? '').replace(/@.*$/, '').replace(/:[^/:]*$/, '');
    return repository.endsWith('/cluster-autoscaler') || repository === 'cluster-autoscaler' || /(^|\/)cluster-autoscaler$/.test(c.command?.[0] ?? '');
  });
}

export function isClusterAutoscaler(deployment: DeploymentLike): boolean {
  return clusterAutoscalerContainer(deployment) !== undefined;
}

/** Every `--name=value` and `--name value` of the container's command and args, by name (a flag given twice keeps both values). */
export function containerFlags(container: Container): Map<string, string[]> {
  const words = [...(container.command ?? []), ...(container.args ?? [])];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < words.length; i++) {
    const m = /^--?([A-Za-z0-9-]+)(?:=(.*))?$/.exec(words[i]!);
    if (!m) continue;
    let value = m[2];
    if (value === undefined && words[i + 1] !== undefined && !words[i + 1]!.startsWith('-')) value = words[++i];
    const list = flags.get(m[1]!) ?? [];
    list.push(value ?? 'true');
    flags.set(m[1]!, list);
  }
  return flags;
}

/** One `--node-group-auto-discovery=asg:tag=...` spec: the tags a group must carry (a value when one is given). */
export interface AutoDiscoverySpec {
  /** As written, for evidence. */
  spec: string;
  tags: { key: string; value?: string }[];
}

export interface ClusterAutoscalerSettings {
  namespace: string;
  deployment: string;
  /** Where it writes its status, or undefined with `--write-status-configmap=false`. */
  statusConfigMap?: { namespace: string; name: string };
  /** Groups it discovers by tags. */
  autoDiscovery: AutoDiscoverySpec[];
  /** Groups it is given by name: `--nodes=MIN:MAX:NAME`. */
  staticGroups: { min: number; max: number; name: string }[];
  cloudProvider?: string;
}

export function clusterAutoscalerSettings(deployment: DeploymentLike): ClusterAutoscalerSettings | undefined {
  const container = clusterAutoscalerContainer(deployment);
  if (!container) return undefined;
  const flags = containerFlags(container);
  const last = (name: string): string | undefined => flags.get(name)?.at(-1);
  const writes = last('write-status-configmap') !== 'false';
  const autoDiscovery = (flags.get('node-group-auto-discovery') ?? [])
    .filter((spec) => spec.startsWith('asg:tag='))
    .map((spec) => ({
      spec,
      tags: spec
        .slice('asg:tag='.length)
        .split(',')
        .filter((t) => t !== '')
        .map((t) => {
          const [key, ...value] = t.split('=');
          return value.length > 0 ? { key: key!, value: value.join('=') } : { key: key! };
        }),
    }));
  const staticGroups = (flags.get('nodes') ?? []).flatMap((spec) => {
    const m = /^(\d+):(\d+):(.+)$/.exec(spec);
    return m ? [{ min: Number(m[1]), max: Number(m[2]), name: m[3]! }] : [];
  });
  const cloudProvider = last('cloud-provider');
  return {
    namespace: deployment.metadata?.namespace ?? '',
    deployment: deployment.metadata?.name ?? '',
    ...(writes ? { statusConfigMap: { namespace: last('namespace') ?? DEFAULT_AUTOSCALER_NAMESPACE, name: last('status-config-map-name') ?? DEFAULT_STATUS_CONFIG_MAP } } : {}),
    autoDiscovery,
    staticGroups,
    ...(cloudProvider ? { cloudProvider } : {}),
  };
}

/** Whether a group with these tags is found by one of the auto-discovery specs (every tag of a spec present, with its value when one is given). */
export function discoveredBy(settings: ClusterAutoscalerSettings, tags: readonly { Key?: string; Value?: string }[]): AutoDiscoverySpec | undefined {
  return settings.autoDiscovery.find((spec) => spec.tags.every((want) => tags.some((t) => t.Key === want.key && (want.value === undefined || t.Value === want.value))));
}
