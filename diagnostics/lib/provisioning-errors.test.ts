import { describe, expect, it } from 'vitest';
import { awaitedProvisioner, classifyProvisioningFailure } from './provisioning-errors.js';

// Messages as the external-provisioner records them (from memory of sig-storage-lib-external-provisioner
// controller/controller.go: "failed to provision volume with StorageClass %q: %v") around the EBS CSI
// driver's gRPC errors (aws-ebs-csi-driver pkg/driver/controller.go, pkg/cloud/cloud.go) and the AWS SDK for Go v2's error chain.
const wrap = (error: string) => `failed to provision volume with StorageClass "gp3": ${error}`;

describe('classifyProvisioningFailure', () => {
  it.each([
    [
      'credentials',
      wrap('rpc error: code = Internal desc = Could not create volume "pvc-1": could not create volume in EC2: operation error EC2: CreateVolume, get identity: get credentials: failed to refresh cached credentials, failed to retrieve credentials, operation error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: r, api error AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity'),
      'Internal',
      'AccessDenied',
    ],
    [
      'credentials',
      wrap('rpc error: code = Internal desc = Could not create volume "pvc-1": could not create volume in EC2: operation error EC2: CreateVolume, get identity: get credentials: failed to refresh cached credentials, failed to load credentials, exceeded maximum number of attempts, 3, request send failed, Get "http://169.254.170.23/v1/credentials": dial tcp 169.254.170.23:80: connect: connection refused'),
      'Internal',
      undefined,
    ],
    [
      'not-authorized',
      wrap('rpc error: code = Internal desc = Could not create volume "pvc-1": could not create volume in EC2: operation error EC2: CreateVolume, https response error StatusCode: 403, RequestID: r, api error UnauthorizedOperation: You are not authorized to perform this operation.'),
      'Internal',
      'UnauthorizedOperation',
    ],
    ['invalid-parameters', wrap('rpc error: code = InvalidArgument desc = Invalid parameter key volumeType for CreateVolume'), 'InvalidArgument', undefined],
    [
      'capacity',
      wrap('rpc error: code = Internal desc = Could not create volume "pvc-1": could not create volume in EC2: operation error EC2: CreateVolume, https response error StatusCode: 400, RequestID: r, api error VolumeLimitExceeded: You have exceeded your maximum gp3 storage limit of 50 TiB in this region.'),
      'Internal',
      'VolumeLimitExceeded',
    ],
    ['timeout', wrap('rpc error: code = DeadlineExceeded desc = context deadline exceeded'), 'DeadlineExceeded', undefined],
    ['other', wrap('rpc error: code = Internal desc = something new'), 'Internal', undefined],
  ])('%s: %s', (kind, message, grpcCode, awsCode) => {
    const failure = classifyProvisioningFailure(message);
    expect(failure).toEqual({ kind, storageClass: 'gp3', grpcCode, ...(awsCode ? { awsCode } : {}) });
  });

  it('the PersistentVolume controller\'s missing class (pv_controller.go, the lister\'s NotFound error)', () => {
    expect(classifyProvisioningFailure('storageclass.storage.k8s.io "gp3-encrypted" not found')).toEqual({ kind: 'class-not-found', storageClass: 'gp3-encrypted' });
  });
});

describe('awaitedProvisioner', () => {
  it('reads both wordings of ExternalProvisioning (pv_controller.go before and after Kubernetes 1.27)', () => {
    expect(awaitedProvisioner("Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that your external provisioner is running and correctly registered.")).toBe('ebs.csi.aws.com');
    expect(awaitedProvisioner('waiting for a volume to be created, either by external provisioner "ebs.csi.aws.com" or manually created by system administrator')).toBe('ebs.csi.aws.com');
    expect(awaitedProvisioner('waiting for first consumer to be created before binding')).toBeUndefined();
  });
});
