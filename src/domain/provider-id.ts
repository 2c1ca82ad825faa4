/**
 * A Node's `spec.providerID` as the AWS cloud provider sets it: `aws:///<availability zone>/<instance id>`
 * (kubernetes/cloud-provider-aws, from memory of pkg/providers/v1/aws.go: "aws:///" + az + "/" + id).
 * Fargate, hybrid nodes (`eks-hybrid://...`) and other clouds name no EC2 instance.
 */

/** `aws:///eu-west-1a/i-0123456789abcdef0` -> `i-0123456789abcdef0`; undefined for anything else (Fargate, hybrid, other clouds). */
export function instanceIdFromProviderId(providerId: string | undefined): string | undefined {
  if (!providerId) return undefined;
  const match = /^aws:\/\/\/[^/]*\/(i-[0-9a-f]+)$/.exec(providerId);
  return match?.[1];
}
