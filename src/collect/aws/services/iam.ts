/** Collectors for the IAM parts (declared in iam-parts.ts). */
import { GetInstanceProfileCommand, GetOpenIDConnectProviderCommand, GetRoleCommand, ListOpenIDConnectProvidersCommand, paginateListAttachedRolePolicies } from '@aws-sdk/client-iam';
import { isNodeAccessEntryType } from '../../../domain/eks-constants.js';
import { instanceProfileNameOf, roleNameOf } from '../../../domain/iam-arn.js';
import { decodeRoleTrustPolicy } from '../../../snapshot/policy-document.js';
import type { IamRole } from '../../../snapshot/types.js';
import type { AwsClients } from '../clients.js';
import { CallFailed, each, toSnapshotJson, type AwsCollection, type AwsKey, type Collectors } from '../collection.js';
import type { IAM_PARTS } from './iam-parts.js';
import { cluster, unique } from './shared.js';

/** A role with its trust policy decoded; a document that is not a policy fails the part rather than entering the snapshot half-read. */
function roleFromWire(part: AwsKey, call: string, role: { AssumeRolePolicyDocument?: string }): IamRole {
  try {
    return toSnapshotJson(decodeRoleTrustPolicy(role)) as IamRole;
  } catch (error) {
    throw new CallFailed({ part: `aws.${part}`, call, kind: 'invalid-response', code: 'InvalidPolicyDocument', message: `the role's trust policy could not be decoded: ${(error as Error).message}` });
  }
}

/** `extraRoleArns`: IRSA roles named by ServiceAccounts, which may arrive while AWS collection runs. */
export function iamCollectors({ iam }: AwsClients, extraRoleArns: Promise<string[]>): Collectors<keyof typeof IAM_PARTS> {
  /** Role ARNs the checks look at: node roles, Fargate, Pod Identity, IRSA (add-ons and Kubernetes annotations). */
  const roleArns = (c: AwsCollection) =>
    c.shared('roleArns', async () => {
      // Each source is optional: a source that could not be read (or an emulator that lacks it) only
      // means fewer roles are looked up; its own failure is recorded against its own part.
      const [nodegroups = [], fargate = [], profiles = [], entries = [], associations = [], addons = [], extra] = await Promise.all([
        c.part('nodegroups'),
        c.part('fargateProfiles'),
        c.part('iamInstanceProfiles'),
        c.part('accessEntries'),
        c.part('podIdentityAssociations'),
        c.part('addons'),
        extraRoleArns,
      ]);
      return unique([
        ...nodegroups.map((g) => g.nodeRole),
        ...fargate.map((p) => p.podExecutionRoleArn),
        ...profiles.flatMap((p) => p.Roles.map((r) => r.Arn)),
        ...entries.filter((e) => isNodeAccessEntryType(e.type) && e.principalArn?.includes(':role/')).map((e) => e.principalArn),
        ...associations.map((a) => a.roleArn),
        ...addons.map((a) => a.serviceAccountRoleArn),
        ...extra.filter((arn) => arn.includes(':role/')),
      ]);
    });

  /**
   * Roles behind access entries for people and tools (STANDARD, or any type that is not a node's):
   * only whether they still exist matters (access-entries' principal-not-found), so they get
   * iam:GetRole but not their attached policies.
   */
  const accessEntryOnlyRoleArns = (c: AwsCollection) =>
    c.shared('accessEntryOnlyRoleArns', async () => {
      const [entries = [], looked] = await Promise.all([c.part('accessEntries'), roleArns(c)]);
      const already = new Set(looked);
      return unique(entries.filter((e) => !isNodeAccessEntryType(e.type) && e.principalArn?.includes(':role/') && !already.has(e.principalArn)).map((e) => e.principalArn));
    });

  return {
    async iamRoles(c) {
      const arns = [...(await roleArns(c)), ...(await accessEntryOnlyRoleArns(c))];
      const roles = await each(arns, async (arn) => {
        const out = await c.call('iamRoles', 'iam:GetRole', (abortSignal) => iam.send(new GetRoleCommand({ RoleName: roleNameOf(arn) }), { abortSignal }), { codes: ['NoSuchEntity', 'NoSuchEntityException'] });
        if (!out?.Role) {
          c.addNotFound({ resourceType: 'iam-role', id: arn, call: 'iam:GetRole' });
          return [];
        }
        return [roleFromWire('iamRoles', 'iam:GetRole', out.Role)];
      });
      // Two references to one role (with and without its path) are one role.
      const seen = new Set<string>();
      return roles.flat().filter((r) => (seen.has(r.RoleName ?? '') ? false : (seen.add(r.RoleName ?? ''), true)));
    },

    async iamAttachedRolePolicies(c) {
      const names = unique((await roleArns(c)).map(roleNameOf));
      const perRole = await each(names, async (RoleName) => {
        const pages = await c.pages(
          'iamAttachedRolePolicies',
          'iam:ListAttachedRolePolicies',
          paginateListAttachedRolePolicies({ client: iam, pageSize: 100 }, { RoleName }, { abortSignal: c.settings.signal }),
          { codes: ['NoSuchEntity', 'NoSuchEntityException'] },
        );
        // A missing role is recorded by iam:GetRole; here it simply has no list.
        return pages === undefined ? [] : [{ RoleName, AttachedPolicies: toSnapshotJson(pages.flatMap((p) => p.AttachedPolicies ?? [])) }];
      });
      return perRole.flat();
    },

    async iamInstanceProfiles(c) {
      // Launch templates name the profiles of groups too: without the instances, those are still
      // read, so the checks keep the node roles they lead to (and say the instances are missing).
      const [reservations, templates] = await Promise.all([c.part('reservations'), c.part('launchTemplateVersions')]);
      if (reservations === undefined && templates === undefined) await c.need('reservations', 'iamInstanceProfiles');
      const profiles = new Map<string, string>(); // name -> how it was referenced (ARN when known)
      for (const r of reservations ?? []) for (const i of r.Instances ?? []) if (i.IamInstanceProfile?.Arn) profiles.set(instanceProfileNameOf(i.IamInstanceProfile.Arn), i.IamInstanceProfile.Arn);
      for (const t of templates ?? []) {
        const p = t.LaunchTemplateData?.IamInstanceProfile;
        if (p?.Arn) profiles.set(instanceProfileNameOf(p.Arn), p.Arn);
        else if (p?.Name && !profiles.has(p.Name)) profiles.set(p.Name, p.Name);
      }
      const found = await each([...profiles], async ([InstanceProfileName, reference]) => {
        const out = await c.call('iamInstanceProfiles', 'iam:GetInstanceProfile', (abortSignal) => iam.send(new GetInstanceProfileCommand({ InstanceProfileName }), { abortSignal }), {
          codes: ['NoSuchEntity', 'NoSuchEntityException'],
        });
        if (!out?.InstanceProfile) {
          c.addNotFound({ resourceType: 'iam-instance-profile', id: reference, call: 'iam:GetInstanceProfile' });
          return [];
        }
        const { Roles, ...profile } = out.InstanceProfile;
        return [{ ...toSnapshotJson(profile), Roles: (Roles ?? []).map((r) => roleFromWire('iamInstanceProfiles', 'iam:GetInstanceProfile', r)) }];
      });
      return found.flat();
    },

    async iamOidcProviders(c) {
      const issuer = (await cluster(c, 'iamOidcProviders')).identity?.oidc?.issuer;
      if (!issuer) return [];
      const list = await c.call('iamOidcProviders', 'iam:ListOpenIDConnectProviders', (abortSignal) => iam.send(new ListOpenIDConnectProvidersCommand({}), { abortSignal }));
      const suffix = `oidc-provider/${issuer.replace(/^https:\/\//, '')}`;
      const arns = unique((list?.OpenIDConnectProviderList ?? []).map((p) => p.Arn)).filter((arn) => arn.endsWith(suffix));
      const providers = await each(arns, async (Arn) => {
        const out = await c.call(
          'iamOidcProviders',
          'iam:GetOpenIDConnectProvider',
          (abortSignal) => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: Arn }), { abortSignal }),
          { codes: ['NoSuchEntity', 'NoSuchEntityException'] },
        );
        if (!out) return [];
        return [{ Arn, ...(out.Url ? { Url: out.Url } : {}), ...(out.ClientIDList ? { ClientIDList: out.ClientIDList } : {}), ...(out.ThumbprintList ? { ThumbprintList: out.ThumbprintList } : {}) }];
      });
      return providers.flat();
    },
  };
}
