/**
 * The labels a kube-system component's pods, ReplicaSets and selectors carry. EKS's CoreDNS keeps the
 * labels of the kube-dns it replaced (its Deployment selects `eks.amazonaws.com/component: coredns,
 * k8s-app: kube-dns`; the `kube-dns` Service selects `k8s-app: kube-dns`), so a check that looked for
 * `k8s-app: coredns` would find nothing on a real cluster. The others are labelled by their name here.
 */
export function componentSelector(app: string): Record<string, string> {
  return app === 'coredns' ? { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' } : { 'k8s-app': app };
}

/** A component's pod labels: its selector, and for the others the recommended name label. */
export function componentPodLabels(app: string): Record<string, string> {
  return app === 'coredns' ? componentSelector(app) : { ...componentSelector(app), 'app.kubernetes.io/name': app };
}
