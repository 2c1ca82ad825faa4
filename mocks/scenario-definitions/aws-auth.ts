import { defineScenarios } from '../scenario-builder/fault.js';

export const scenarios = defineScenarios([
  {
    name: 'node-role-not-mapped',
    description: 'New batch nodes are not joining: their node role was removed from aws-auth and has no access entry.',
    faults: ['aws-auth-batch-role-removed', 'batch-scale-out'],
    expectedRootCauses: ['aws-auth/node-role-not-mapped'],
  },
  {
    name: 'instance-profile-arn-in-aws-auth',
    description: 'New batch nodes are not joining: aws-auth maps the instance profile ARN instead of the role ARN.',
    faults: ['aws-auth-instance-profile-arn', 'batch-scale-out'],
    expectedRootCauses: ['aws-auth/instance-profile-arn-mapped'],
  },
  {
    name: 'role-path-in-aws-auth',
    description: 'New batch nodes are not joining: aws-auth maps the role ARN with its /eks/ path.',
    faults: ['aws-auth-role-path-kept', 'batch-scale-out'],
    expectedRootCauses: ['aws-auth/role-path-not-stripped'],
  },
  {
    name: 'aws-auth-broken-yaml',
    description: 'A hand edit broke the YAML of aws-auth mapRoles: no role mapped there works, so new batch nodes cannot join.',
    faults: ['aws-auth-invalid-yaml', 'batch-scale-out'],
    expectedRootCauses: ['aws-auth/configmap-invalid-yaml'],
  },
]);
