import type { ResourceRef } from './finding.js';

/**
 * The canonical way to name resources in findings. Correlation links a cause to a symptom when they
 * share a resource id, so every check must spell ids the same way: AWS IDs and ARNs exactly as AWS
 * returns them, node groups and Auto Scaling groups by name, Kubernetes objects as '<ns>/<name>'
 * (namespaced) or '<name>' (cluster-scoped).
 */
export const resource = {
  cluster: (arnOrName: string, name?: string): ResourceRef => ({ type: 'aws:eks:cluster', id: arnOrName, ...(name ? { name } : {}) }),
  nodegroup: (name: string): ResourceRef => ({ type: 'aws:eks:nodegroup', id: name }),
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
  role: (arn: string): ResourceRef => ({ type: 'aws:iam:role', id: arn }),
  instanceProfile: (arn: string): ResourceRef => ({ type: 'aws:iam:instance-profile', id: arn }),
  oidcProvider: (arn: string): ResourceRef => ({ type: 'aws:iam:oidc-provider', id: arn }),
  node: (name: string): ResourceRef => ({ type: 'k8s:Node', id: name }),
  pod: (namespace: string, name: string): ResourceRef => ({ type: 'k8s:Pod', id: `${namespace}/${name}` }),
  service: (namespace: string, name: string): ResourceRef => ({ type: 'k8s:Service', id: `${namespace}/${name}` }),
  serviceAccount: (namespace: string, name: string): ResourceRef => ({ type: 'k8s:ServiceAccount', id: `${namespace}/${name}` }),
  daemonSet: (namespace: string, name: string): ResourceRef => ({ type: 'k8s:DaemonSet', id: `${namespace}/${name}` }),
  deployment: (namespace: string, name: string): ResourceRef => ({ type: 'k8s:Deployment', id: `${namespace}/${name}` }),
  configMap: (namespace: string, name: string): ResourceRef => ({ type: 'k8s:ConfigMap', id: `${namespace}/${name}` }),
};
