import { describe, expect, it } from 'vitest';
import { sanitizeLaunchTemplateVersion, sanitizeNode, sanitizePod, sanitizeWorkload } from '../src/snapshot/sanitize.js';

describe('snapshot sanitising keeps secrets and bulk out', () => {
  it('drops container env values but keeps names and references', () => {
    const pod = sanitizePod({ metadata: { name: 'p', managedFields: [{ manager: 'kubectl' }] }, spec: { containers: [{ name: 'c', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } });
    expect(JSON.stringify(pod)).not.toContain('hunter2');
    expect(pod.spec.containers[0]!.env).toEqual([{ name: 'DB_PASSWORD' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]);
    expect(pod.metadata).not.toHaveProperty('managedFields');
  });

  it('drops env values in workload templates and init containers', () => {
    const ds = sanitizeWorkload({ metadata: { name: 'aws-node' }, spec: { template: { metadata: {}, spec: { containers: [], initContainers: [{ name: 'init', env: [{ name: 'X', value: 'secret-x' }] }] } } } });
    expect(JSON.stringify(ds)).not.toContain('secret-x');
  });

  it('drops node images and launch-template user data', () => {
    expect(sanitizeNode({ metadata: { name: 'n' }, status: { images: [{ names: ['a'] }], conditions: [] } }).status).toEqual({ conditions: [] });
    const lt = sanitizeLaunchTemplateVersion({ LaunchTemplateData: { UserData: 'IyEvYmluL2Jhc2gKZXhwb3J0IFNFQ1JFVD0x', ImageId: 'ami-1' } });
    expect(lt.LaunchTemplateData).toEqual({ ImageId: 'ami-1' });
  });

  it('drops the last-applied annotation, a full copy of the object', () => {
    const cm = sanitizePod({ metadata: { name: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"secret":1}', keep: 'me' } } });
    expect(cm.metadata.annotations).toEqual({ keep: 'me' });
  });
});
