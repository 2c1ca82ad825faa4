/** IAM (AWS query protocol, global) and STS. */
import type { IamRole } from '../../../src/snapshot/types.js';
import { AwsApiError, numberParam, paginate, requiredString, stringParam, type Handler } from '../api.js';

/** IAM sends policy documents as URL-encoded JSON strings; snapshots hold them decoded. */
function roleOnWire(role: IamRole): Record<string, unknown> {
  const { AssumeRolePolicyDocument, ...rest } = role;
  return AssumeRolePolicyDocument === undefined ? rest : { ...rest, AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(AssumeRolePolicyDocument)) };
}

function noSuchRole(name: string): AwsApiError {
  return new AwsApiError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
}

export const IAM_HANDLERS: Record<string, Handler> = {
  GetRole(input, context) {
    const name = requiredString(input, 'RoleName');
    const role = context.world.global('iamRoles').find((r) => r.RoleName === name);
    if (!role) throw noSuchRole(name);
    return { Role: roleOnWire(role) };
  },

  ListAttachedRolePolicies(input, context) {
    const name = requiredString(input, 'RoleName');
    const roleExists = context.world.global('iamRoles').some((r) => r.RoleName === name);
    const attached = context.world.global('iamAttachedRolePolicies').find((p) => p.RoleName === name);
    if (!roleExists && !attached) throw noSuchRole(name);
    const { page, nextToken } = paginate(attached?.AttachedPolicies ?? [], {
      token: stringParam(input, 'Marker'),
      pageSize: numberParam(input, 'MaxItems'),
      defaultPageSize: 100,
      maxPageSize: 1000,
      context,
      invalidTokenCode: 'InvalidInput',
    });
    return { AttachedPolicies: page, IsTruncated: nextToken !== undefined, ...(nextToken ? { Marker: nextToken } : {}) };
  },

  GetInstanceProfile(input, context) {
    const name = requiredString(input, 'InstanceProfileName');
    const profile = context.world.global('iamInstanceProfiles').find((p) => p.InstanceProfileName === name);
    if (!profile) throw new AwsApiError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404);
    return { InstanceProfile: { ...profile, Roles: profile.Roles.map(roleOnWire) } };
  },

  ListOpenIDConnectProviders(_input, context) {
    return { OpenIDConnectProviderList: context.world.global('iamOidcProviders').map((p) => ({ Arn: p.Arn })) };
  },

  GetOpenIDConnectProvider(input, context) {
    const arn = requiredString(input, 'OpenIDConnectProviderArn');
    const provider = context.world.global('iamOidcProviders').find((p) => p.Arn === arn);
    if (!provider) throw new AwsApiError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`, 404);
    const { Arn: _arn, ...rest } = provider;
    return rest;
  },
};

export const STS_HANDLERS: Record<string, Handler> = {
  GetCallerIdentity(_input, context) {
    return { ...context.world.callerIdentity(context.region) };
  },
};
