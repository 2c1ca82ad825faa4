import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'webhook-deployment-scaled-to-zero',
    description: "Kyverno's admission controller was scaled to zero while its failurePolicy Fail webhook covers pod creation: the cart rollout creates no pods (FailedCreate: no endpoints available).",
    faults: ['kyverno-scaled-to-zero'],
    expectedRootCauses: ['admission-webhooks/webhook-backend-unavailable'],
  },
  {
    name: 'webhook-left-behind-after-uninstall',
    description: "Kyverno was uninstalled and its webhook configuration left behind, calling a Service that no longer exists: the cart rollout creates no pods.",
    faults: ['kyverno-uninstalled-webhook-left'],
    expectedRootCauses: ['admission-webhooks/webhook-no-endpoints'],
  },
  {
    name: 'webhook-ignore-without-endpoints',
    description: "Kyverno's admission controller is scaled to zero but its webhook has failurePolicy Ignore: pods are admitted without it, nothing is wrong with pod creation.",
    faults: ['kyverno-ignore-webhook-without-endpoints'],
    expectedRootCauses: [],
  },
]);

scenarios.push(
  {
    name: 'image-pull-node-role-without-ecr-policy',
    description: "The node role lost its ECR pull policy: the cart rollout's pods cannot pull from the account's own ECR (no basic auth credentials), and a replacement node's aws-node cannot pull either.",
    faults: ['general-node-role-ecr-policy-detached', 'cart-pull-no-basic-auth-credentials'],
    expectedRootCauses: ['node-iam-role/ecr-pull-policy-missing'],
  },
  {
    name: 'image-pull-s3-endpoint-missing',
    description: "A fully private cluster lost its S3 gateway endpoint: the cart pods resolve their image from ECR but time out fetching its layers from S3.",
    faults: ['private-cluster', 's3-gateway-endpoint-deleted', 'cart-pull-s3-timeout'],
    expectedRootCauses: ['routes-egress/endpoint-missing'],
  },
  {
    name: 'image-pull-cross-account-refused',
    description: "The billing API's image is in the platform account's ECR: ECR answers 403 Forbidden, and the repository policy (read with ecr:GetRepositoryPolicy) lets only the CI account pull, not this cluster's node role.",
    faults: ['platform-image-cross-account-403'],
    expectedRootCauses: ['image-pulls/cross-account-pull-refused'],
  },
  {
    name: 'image-pull-cross-account-policy-unreadable',
    description: "The billing API's image in the platform account's ECR answers 403 Forbidden, and that account does not let this one read the repository policy either (AccessDeniedException): the cause stands on the 403 and says who can read the policy.",
    faults: ['platform-image-cross-account-403', 'platform-repository-policy-unreadable'],
    expectedRootCauses: ['image-pulls/cross-account-pull-refused'],
  },
  {
    name: 'image-pull-docker-hub-rate-limited',
    description: 'The session cache pulls redis from Docker Hub anonymously through the NAT gateway and hits the pull rate limit (429 toomanyrequests); the account has no pull-through cache rule.',
    faults: ['redis-docker-hub-rate-limited'],
    expectedRootCauses: ['image-pulls/registry-rate-limit'],
  },
  {
    name: 'image-pull-docker-hub-cache-rule-unused',
    description: "The account has an ECR pull-through cache rule for Docker Hub (prefix docker-hub), but the session cache still pulls redis from Docker Hub and hits the rate limit: the fix is to use the rule's image name, not to create a rule.",
    faults: ['docker-hub-pull-through-cache-rule', 'redis-docker-hub-rate-limited'],
    expectedRootCauses: ['image-pulls/registry-rate-limit'],
  },
  {
    name: 'image-pull-rate-limit-moved-to-cache',
    description: "After Docker Hub's rate limit, the session cache was switched to the account's ECR pull-through cache: its pods run; the old 429 events are history, not a finding.",
    faults: ['redis-moved-to-pull-through-cache'],
    expectedRootCauses: [],
  },
  {
    name: 'image-tag-not-found',
    description: 'The cart Deployment was rolled out with a tag that was never pushed: a warning about the image reference, with no AWS cause.',
    faults: ['cart-image-tag-not-found'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'image-pulls/image-not-found', severity: 'warning' }],
  },
);

scenarios.push(
  {
    name: 'crash-loop-pod-identity-agent-missing',
    description: 'The eks-pod-identity-agent add-on was deleted: billing/billing-api, which gets its AWS role through Pod Identity, finds no credentials at start-up and crash-loops.',
    faults: ['pod-identity-agent-removed', 'billing-api-crash-loop-no-credentials'],
    expectedRootCauses: ['irsa-pod-identity/pod-identity-agent-missing'],
  },
  {
    name: 'crash-loop-oom-killed',
    description: 'The cart pods are OOMKilled and crash-loop: a symptom with its evidence and no AWS-side cause.',
    faults: ['cart-oom-killed'],
    expectedRootCauses: [],
    expectedFindings: [{ id: 'crash-loops/crash-looping', severity: 'warning' }],
  },
);

scenarios.push({
  name: 'coredns-nodes-not-ready',
  description: 'The two nodes CoreDNS runs on went silent (NotReady, Unknown): CoreDNS has no ready replica. The NotReady nodes rank above the CoreDNS symptom they explain.',
  faults: ['coredns-nodes-kubelet-stopped'],
  expectedRootCauses: ['node-conditions/node-not-ready'],
});

scenarios.push({
  name: 'coredns-pending-untolerated-taint',
  description: "Every EC2 node was tainted by hand and CoreDNS's restarted pods do not tolerate the taint: they are Pending and the cluster has no DNS. The taint ranks above the Pending pods, which rank above the CoreDNS symptom.",
  faults: ['coredns-pending-untolerated-taint'],
  expectedRootCauses: ['node-taints/untolerated-taint'],
});

scenarios.push(
  {
    name: 'coredns-fargate-only-no-profile',
    description:
      "The cluster was moved to Fargate only; its Fargate profiles run the serverless namespace and the AWS Load Balancer Controller, none selects CoreDNS, whose template still carries EKS's EC2 annotation: CoreDNS is Pending on the Fargate nodes' taint and the cluster has no DNS. The missing profile ranks above the Pending pods and the CoreDNS symptom.",
    faults: ['fargate-only-cluster', 'coredns-pending-on-fargate-only'],
    expectedRootCauses: ['addon-health/coredns-no-fargate-profile'],
  },
  {
    name: 'coredns-fargate-only-ec2-annotation',
    description:
      "On the Fargate-only cluster a Fargate profile for CoreDNS (kube-system, k8s-app=kube-dns) was created, but CoreDNS was not patched: its template keeps eks.amazonaws.com/compute-type: ec2, so the Fargate scheduler never takes its pods and they stay Pending. The annotation is the cause, with the patch that removes it.",
    faults: ['fargate-only-cluster', 'kube-system-fargate-profile-for-coredns', 'coredns-pending-on-fargate-only'],
    expectedRootCauses: ['addon-health/coredns-no-fargate-profile'],
  },
);

scenarios.push(
  {
    name: 'webhook-down-blocks-every-controller-kind',
    description:
      "Kyverno's admission controller was scaled to zero while its failurePolicy Fail webhook covers pod creation: a ReplicaSet (the cart rollout), a StatefulSet (orders-db), a DaemonSet (fluent-bit) and a CronJob's Job (nightly-report) all fail to create pods, each in its controller's own words. One cause, four workloads.",
    faults: ['kyverno-scaled-to-zero', 'kyverno-down-blocks-every-controller-kind'],
    expectedRootCauses: ['admission-webhooks/webhook-backend-unavailable'],
  },
  {
    name: 'webhook-port-blocked-from-control-plane',
    description:
      "The AWS Load Balancer Controller runs on the batch nodes, whose own security group accepts only TCP 10250 from the control plane: the API server's calls to its pod webhook (mpod.elbv2.k8s.aws, failurePolicy Fail) on TCP 9443 time out, and the cart rollout creates no pods. Its endpoints are ready; the security group is the cause.",
    faults: ['lb-controller-webhook-port-blocked'],
    expectedRootCauses: ['security-groups/webhook-port-blocked'],
  },
);

scenarios.push({
  name: 'webhook-certificate-not-trusted',
  description:
    "Kyverno's webhook has ready endpoints, but the API server does not trust the certificate it serves (x509: certificate signed by unknown authority): the cart rollout creates no pods. No AWS-side cause: the symptom stands with the webhook causes ruled out and the caBundle to check.",
  faults: ['kyverno-certificate-not-trusted'],
  expectedRootCauses: [],
  expectedFindings: [{ id: 'pods-not-created/pods-not-created', severity: 'critical' }],
});
