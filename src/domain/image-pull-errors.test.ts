/**
 * The kubelet's image-pull messages as EKS nodes write them. Sources (see image-pull-errors.ts):
 * kubelet pkg/kubelet/images/image_manager.go ("Failed to pull image %q: %v"), containerd's CRI
 * PullImage ("failed to pull and unpack image %q: %w") and remotes/docker resolver, fetcher and
 * authorizer; from memory, as the messages read on containerd 1.7 and 2.x nodes.
 */
import { describe, expect, it } from 'vitest';
import { classifyImagePullMessage } from './image-pull-errors.js';

const ECR = '111122223333.dkr.ecr.eu-west-1.amazonaws.com';

describe('classifyImagePullMessage', () => {
  it('no basic auth credentials from ECR (the credential provider got no token): credentials refused', () => {
    const m = `Failed to pull image "${ECR}/shop/cart:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "${ECR}/shop/cart:1.4.2": failed to resolve reference "${ECR}/shop/cart:1.4.2": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`;
    expect(classifyImagePullMessage(m)).toEqual({ kind: 'credentials-refused', image: `${ECR}/shop/cart:1.4.2`, toS3: false });
  });

  it('403 Forbidden from the registry (a repository policy refusing the account): credentials refused, with the host and status', () => {
    const m = `Failed to pull image "${ECR}/shop/cart:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "${ECR}/shop/cart:1.4.2": failed to resolve reference "${ECR}/shop/cart:1.4.2": unexpected status from HEAD request to https://${ECR}/v2/shop/cart/manifests/1.4.2: 403 Forbidden`;
    expect(classifyImagePullMessage(m)).toEqual({ kind: 'credentials-refused', image: `${ECR}/shop/cart:1.4.2`, host: ECR, toS3: false, status: '403 Forbidden' });
  });

  it('401 Unauthorized: credentials refused', () => {
    const m = `Failed to pull image "${ECR}/shop/cart:1.4.2": failed to pull and unpack image "${ECR}/shop/cart:1.4.2": failed to resolve reference "${ECR}/shop/cart:1.4.2": unexpected status from HEAD request to https://${ECR}/v2/shop/cart/manifests/1.4.2: 401 Unauthorized`;
    expect(classifyImagePullMessage(m)).toMatchObject({ kind: 'credentials-refused', status: '401 Unauthorized' });
  });

  it('i/o timeout to the registry: unreachable, not S3', () => {
    const m = `Failed to pull image "${ECR}/shop/cart:1.4.2": rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "${ECR}/shop/cart:1.4.2": failed to resolve reference "${ECR}/shop/cart:1.4.2": failed to do request: Head "https://${ECR}/v2/shop/cart/manifests/1.4.2": dial tcp 10.0.12.40:443: i/o timeout`;
    expect(classifyImagePullMessage(m)).toEqual({ kind: 'unreachable', image: `${ECR}/shop/cart:1.4.2`, host: ECR, toS3: false });
  });

  it('i/o timeout fetching a layer from S3 (ECR serves layers from S3): unreachable, to S3', () => {
    const s3 = 'prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com';
    const m = `Failed to pull image "${ECR}/shop/cart:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "${ECR}/shop/cart:1.4.2": failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://${s3}/a1b2c3-111122223333-5e5e/3f4e5d6c?X-Amz-Security-Token=redacted": dial tcp 52.218.96.10:443: i/o timeout`;
    expect(classifyImagePullMessage(m)).toEqual({ kind: 'unreachable', image: `${ECR}/shop/cart:1.4.2`, host: s3, toS3: true });
  });

  it('a name that does not resolve (lookup ... i/o timeout): unreachable, host from the lookup', () => {
    const m = `Failed to pull image "${ECR}/shop/cart:1.4.2": failed to resolve reference "${ECR}/shop/cart:1.4.2": failed to do request: Head "https://${ECR}/v2/shop/cart/manifests/1.4.2": dial tcp: lookup ${ECR}: i/o timeout`;
    expect(classifyImagePullMessage(m)).toMatchObject({ kind: 'unreachable', host: ECR });
  });

  it('not found (every host answered 404): not found, even though "failed to resolve reference" is there', () => {
    const m = 'Failed to pull image "nginx:1.27.9-typo": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.27.9-typo": failed to resolve reference "docker.io/library/nginx:1.27.9-typo": docker.io/library/nginx:1.27.9-typo: not found';
    expect(classifyImagePullMessage(m)).toEqual({ kind: 'not-found', image: 'nginx:1.27.9-typo', toS3: false });
  });

  it('manifest unknown: not found', () => {
    const m = `Failed to pull image "${ECR}/shop/cart:9.9.9": rpc error: code = Unknown desc = failed to pull and unpack image "${ECR}/shop/cart:9.9.9": failed to resolve reference "${ECR}/shop/cart:9.9.9": unexpected status from HEAD request to https://${ECR}/v2/shop/cart/manifests/9.9.9: 404 Not Found: manifest unknown`;
    expect(classifyImagePullMessage(m).kind).toBe('not-found');
  });

  it("Docker Hub's pull rate limit (429 toomanyrequests): rate limited, with the host", () => {
    const m =
      'Failed to pull image "redis:7.4": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/redis:7.4": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit';
    expect(classifyImagePullMessage(m)).toMatchObject({ kind: 'rate-limited', image: 'redis:7.4', status: '429 Too Many Requests' });
  });

  it('the 1.30+ ImagePullBackOff waiting message carries the error after the image', () => {
    const m = `Back-off pulling image "${ECR}/shop/cart:1.4.2": ErrImagePull: failed to pull and unpack image "${ECR}/shop/cart:1.4.2": failed to resolve reference "${ECR}/shop/cart:1.4.2": pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials`;
    expect(classifyImagePullMessage(m)).toMatchObject({ kind: 'credentials-refused', image: `${ECR}/shop/cart:1.4.2` });
  });

  it('a bare back-off message says nothing about the cause', () => {
    expect(classifyImagePullMessage('Back-off pulling image "nginx:1.27"')).toEqual({ kind: 'other', image: 'nginx:1.27', toS3: false });
  });
});
