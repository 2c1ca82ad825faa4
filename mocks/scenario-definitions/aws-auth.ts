import { defineScenarios } from '../scenario-builder/fault.js';

/** The batch group scales out and its new nodes cannot join, because of one fault of aws-auth. */
function batchNodesNotJoining(name: string, why: string, fault: string, rootCause: string) {
  return { name, description: `New batch nodes are not joining: ${why}`, faults: [fault, 'batch-scale-out'], expectedRootCauses: [rootCause] };
}

export const scenarios = defineScenarios([
  batchNodesNotJoining('node-role-not-mapped', 'their node role was removed from aws-auth and has no access entry.', 'aws-auth-batch-role-removed', 'aws-auth/node-role-not-mapped'),
  batchNodesNotJoining('instance-profile-arn-in-aws-auth', 'aws-auth maps the instance profile ARN instead of the role ARN.', 'aws-auth-instance-profile-arn', 'aws-auth/instance-profile-arn-mapped'),
  batchNodesNotJoining('role-path-in-aws-auth', 'aws-auth maps the role ARN with its /eks/ path.', 'aws-auth-role-path-kept', 'aws-auth/role-path-not-stripped'),
  {
    name: 'aws-auth-broken-yaml',
    description: 'A hand edit broke the YAML of aws-auth mapRoles: no role mapped there works, so new batch nodes cannot join.',
    faults: ['aws-auth-invalid-yaml', 'batch-scale-out'],
    expectedRootCauses: ['aws-auth/configmap-invalid-yaml'],
  },
]);
