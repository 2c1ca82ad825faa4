/**
 * The labels kube-system components carry on a real EKS cluster: on their Deployment or DaemonSet,
 * in its selector, and on their pods (the selector's labels plus any others the pod template sets).
 * Checks select add-on pods by these (src/domain/eks-constants.ts, ADDON_WORKLOADS), so a mock
 * labelling them by its own convention would let a check pass on labels no cluster has.
 *
 * - CoreDNS keeps the labels of the kube-dns it replaced: its Deployment selects
 *   `eks.amazonaws.com/component: coredns, k8s-app: kube-dns` and the `kube-dns` Service `k8s-app: kube-dns`.
 * - aws-node (VPC CNI): aws/amazon-vpc-cni-k8s charts/aws-vpc-cni (templates/_helpers.tpl, daemonset.yaml;
 *   values.yaml `nameOverride: aws-node`), rendered for EKS with `originalMatchLabels`: the DaemonSet
 *   selects `k8s-app: aws-node`; its pods carry `app.kubernetes.io/name: aws-node`,
 *   `app.kubernetes.io/instance: aws-vpc-cni`, `k8s-app: aws-node`.
 * - kube-proxy: EKS's DaemonSet is labelled `eks.amazonaws.com/component: kube-proxy, k8s-app: kube-proxy`
 *   and selects (and labels its pods) `k8s-app: kube-proxy`.
 * - eks-pod-identity-agent: aws/eks-pod-identity-agent charts/eks-pod-identity-agent (templates/_helpers.tpl
 *   selectorLabels, daemonset.yaml): `app.kubernetes.io/name: eks-pod-identity-agent`,
 *   `app.kubernetes.io/instance: eks-pod-identity-agent` (the release), and `app: eks-pod-identity-agent`
 *   among the DaemonSet's own labels.
 * - EBS CSI driver: kubernetes-sigs/aws-ebs-csi-driver deploy/kubernetes/base/controller.yaml and node.yaml
 *   (rendered from its Helm chart): Deployment ebs-csi-controller and DaemonSet ebs-csi-node are labelled
 *   `app.kubernetes.io/name: aws-ebs-csi-driver` and select `app: ebs-csi-controller` (or `ebs-csi-node`)
 *   with `app.kubernetes.io/name: aws-ebs-csi-driver`.
 *
 * Helm's bookkeeping labels (helm.sh/chart, app.kubernetes.io/managed-by, app.kubernetes.io/version) are
 * left out: nothing selects by them. The controllers' own pod labels (pod-template-hash,
 * controller-revision-hash) are added where the pods are made. Other components (the Load Balancer
 * Controller, the cluster-autoscaler) are labelled by their name, `k8s-app` and `app.kubernetes.io/name`.
 */
interface ComponentLabels {
  /** On the Deployment or DaemonSet itself. */
  object: Record<string, string>;
  /** Its spec.selector.matchLabels. */
  selector: Record<string, string>;
  /** On its pods (and its pod template). */
  pod: Record<string, string>;
}

const same = (labels: Record<string, string>, object: Record<string, string> = labels): ComponentLabels => ({ object, selector: labels, pod: labels });

const EBS_CSI = (app: string): ComponentLabels => ({
  object: { 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
  selector: { app, 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
  pod: { app, 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
});

const POD_IDENTITY_AGENT = { 'app.kubernetes.io/name': 'eks-pod-identity-agent', 'app.kubernetes.io/instance': 'eks-pod-identity-agent' };
const AWS_NODE_POD = { 'app.kubernetes.io/instance': 'aws-vpc-cni', 'app.kubernetes.io/name': 'aws-node', 'k8s-app': 'aws-node' };

const COMPONENTS: Readonly<Record<string, ComponentLabels>> = {
  coredns: same({ 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' }),
  'aws-node': { object: AWS_NODE_POD, selector: { 'k8s-app': 'aws-node' }, pod: AWS_NODE_POD },
  'kube-proxy': { object: { 'eks.amazonaws.com/component': 'kube-proxy', 'k8s-app': 'kube-proxy' }, selector: { 'k8s-app': 'kube-proxy' }, pod: { 'k8s-app': 'kube-proxy' } },
  'eks-pod-identity-agent': same(POD_IDENTITY_AGENT, { ...POD_IDENTITY_AGENT, app: 'eks-pod-identity-agent' }),
  'ebs-csi-controller': EBS_CSI('ebs-csi-controller'),
  'ebs-csi-node': EBS_CSI('ebs-csi-node'),
};

/** A component's labels: its object's, its selector's and its pods'. */
export function componentLabels(app: string): ComponentLabels {
  return COMPONENTS[app] ?? { object: { 'k8s-app': app }, selector: { 'k8s-app': app }, pod: { 'k8s-app': app, 'app.kubernetes.io/name': app } };
}

/** A component's selector (its Deployment's or DaemonSet's spec.selector.matchLabels). */
export function componentSelector(app: string): Record<string, string> {
  return componentLabels(app).selector;
}

/** A component's pod labels. */
export function componentPodLabels(app: string): Record<string, string> {
  return componentLabels(app).pod;
}
