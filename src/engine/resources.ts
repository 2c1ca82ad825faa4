import type { ResourceRef } from './finding.js';

/**
 * A namespaced Kubernetes object, by namespace and name, or by the '<namespace>/<name>' key a
 * check already carries (a pod key from a warning event, a Service's id).
 */
interface NamespacedBuilder {
  (namespace: string, name: string): ResourceRef;
  (key: string): ResourceRef;
}
function namespaced(type: string): NamespacedBuilder {
  return (namespaceOrKey: string, name?: string): ResourceRef => ({ type, id: name === undefined ? namespaceOrKey : `${namespaceOrKey}/${name}` });
}

/**
 * The canonical way to name resources in findings. Correlation links a cause to a symptom when they
 * share a resource id, so every check must spell ids the same way: AWS IDs and ARNs exactly as AWS
 * returns them, node groups and Auto Scaling groups by name, Kubernetes objects as '<ns>/<name>'
 * (namespaced) or '<name>' (cluster-scoped).
 */
export const resource = {
  cluster: (arnOrName: string, name?: string): ResourceRef => ({ type: 'aws:eks:cluster', id: arnOrName, ...(name ? { name } : {}) }),
  /** By name; by ARN (with its name) where a symptom may spell it so. */
  nodegroup: (nameOrArn: string, name?: string): ResourceRef => ({ type: 'aws:eks:nodegroup', id: nameOrArn, ...(name ? { name } : {}) }),
  addon: (name: string): ResourceRef => ({ type: 'aws:eks:addon', id: name }),
  accessEntry: (principalArn: string): ResourceRef => ({ type: 'aws:eks:access-entry', id: principalArn }),
  fargateProfile: (name: string): ResourceRef => ({ type: 'aws:eks:fargate-profile', id: name }),
  autoScalingGroup: (name: string): ResourceRef => ({ type: 'aws:autoscaling:group', id: name }),
  instance: (id: string, name?: string): ResourceRef => ({ type: 'aws:ec2:instance', id, ...(name ? { name } : {}) }),
  launchTemplate: (id: string, name?: string): ResourceRef => ({ type: 'aws:ec2:launch-template', id, ...(name ? { name } : {}) }),
  subnet: (id: string, name?: string): ResourceRef => ({ type: 'aws:ec2:subnet', id, ...(name ? { name } : {}) }),
  securityGroup: (id: string, name?: string): ResourceRef => ({ type: 'aws:ec2:security-group', id, ...(name ? { name } : {}) }),
  routeTable: (id: string): ResourceRef => ({ type: 'aws:ec2:route-table', id }),
  natGateway: (id: string): ResourceRef => ({ type: 'aws:ec2:nat-gateway', id }),
  vpc: (id: string): ResourceRef => ({ type: 'aws:ec2:vpc', id }),
  vpcEndpoint: (id: string): ResourceRef => ({ type: 'aws:ec2:vpc-endpoint', id }),
  networkAcl: (id: string): ResourceRef => ({ type: 'aws:ec2:network-acl', id }),
  dhcpOptions: (id: string): ResourceRef => ({ type: 'aws:ec2:dhcp-options', id }),
  networkInterface: (id: string): ResourceRef => ({ type: 'aws:ec2:network-interface', id }),
  image: (id: string): ResourceRef => ({ type: 'aws:ec2:image', id }),
  kmsKey: (arn: string): ResourceRef => ({ type: 'aws:kms:key', id: arn }),
  /** A Service Quotas quota: its QuotaArn (the code where the answer had none) and its name. */
  serviceQuota: (arnOrCode: string, name?: string): ResourceRef => ({ type: 'aws:servicequotas:quota', id: arnOrCode, ...(name ? { name } : {}) }),
  ecrRepository: (arn: string): ResourceRef => ({ type: 'aws:ecr:repository', id: arn }),
  /** An AWS resource whose kind its id does not tell (shown, and matched by id). */
  awsResource: (id: string): ResourceRef => ({ type: 'aws:resource', id }),
  role: (arn: string): ResourceRef => ({ type: 'aws:iam:role', id: arn }),
  instanceProfile: (arn: string): ResourceRef => ({ type: 'aws:iam:instance-profile', id: arn }),
  oidcProvider: (arn: string): ResourceRef => ({ type: 'aws:iam:oidc-provider', id: arn }),
  node: (name: string): ResourceRef => ({ type: 'k8s:Node', id: name }),
  pod: namespaced('k8s:Pod'),
  service: namespaced('k8s:Service'),
  serviceAccount: namespaced('k8s:ServiceAccount'),
  daemonSet: namespaced('k8s:DaemonSet'),
  deployment: namespaced('k8s:Deployment'),
  configMap: namespaced('k8s:ConfigMap'),
  persistentVolumeClaim: namespaced('k8s:PersistentVolumeClaim'),
  persistentVolume: (name: string): ResourceRef => ({ type: 'k8s:PersistentVolume', id: name }),
  storageClass: (name: string): ResourceRef => ({ type: 'k8s:StorageClass', id: name }),
  /** Karpenter / EKS Auto Mode, cluster-scoped. */
  nodePool: (name: string): ResourceRef => ({ type: 'k8s:NodePool', id: name }),
  nodeClaim: (name: string): ResourceRef => ({ type: 'k8s:NodeClaim', id: name }),
  securityGroupPolicy: namespaced('k8s:SecurityGroupPolicy'),
  eniConfig: (name: string): ResourceRef => ({ type: 'k8s:ENIConfig', id: name }),
};

/** Resources listed once each (same type and id), first occurrence kept. */
export function uniqueRefs(refs: ResourceRef[]): ResourceRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.type}|${r.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
