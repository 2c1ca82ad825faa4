import { describe, expect, it } from 'vitest';
import { ecrRegistry, parseImageReference } from './container-image.js';

describe('parseImageReference', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis:7.4', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.4' }],
    ['public.ecr.aws/eks/aws-load-balancer-controller:v2.14.1', { registry: 'public.ecr.aws', repository: 'eks/aws-load-balancer-controller', tag: 'v2.14.1' }],
    ['localhost:5000/app:1', { registry: 'localhost:5000', repository: 'app', tag: '1' }],
    ['111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/cart@sha256:abc', { registry: '111122223333.dkr.ecr.eu-west-1.amazonaws.com', repository: 'shop/cart', digest: 'sha256:abc' }],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });

  it('refuses an empty or spaced reference', () => {
    expect(parseImageReference('')).toBeUndefined();
    expect(parseImageReference('a b')).toBeUndefined();
  });
});

describe('ecrRegistry', () => {
  it('reads account and region from private ECR hosts, FIPS and China included', () => {
    expect(ecrRegistry('111122223333.dkr.ecr.eu-west-1.amazonaws.com')).toEqual({ account: '111122223333', region: 'eu-west-1' });
    expect(ecrRegistry('111122223333.dkr.ecr-fips.us-east-1.amazonaws.com')).toEqual({ account: '111122223333', region: 'us-east-1' });
    expect(ecrRegistry('111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn')).toEqual({ account: '111122223333', region: 'cn-north-1' });
  });
  it('is undefined for other registries', () => {
    expect(ecrRegistry('public.ecr.aws')).toBeUndefined();
    expect(ecrRegistry('docker.io')).toBeUndefined();
  });
});
