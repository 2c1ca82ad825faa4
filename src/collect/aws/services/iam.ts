/** Collectors for the IAM parts (declared in iam-parts.ts). */
import { GetInstanceProfileCommand, GetOpenIDConnectProviderCommand, GetRoleCommand, ListOpenIDConnectProvidersCommand, paginateListAttachedRolePolicies } from '@aws-sdk/client-iam';
import { isNodeAccessEntryType } from '../../../domain/eks-constants.js';
import { instanceProfileNameOf, roleNameOf } from '../../../domain/iam-arn.js';
import { decodeRoleTrustPolicy } from '../../../snapshot/policy-document.js';
import type { IamRole } from '../../../snapshot/types.js';
import type { AwsClients } from '../clients.js';
import { CallFailed, each, toSnapshotJson, type AwsCollection, type AwsKey, type Collectors } from '../collection.js';
import type { IAM_PARTS } from './iam-parts.js';
import { cluster, unique, unlessAborted } from './shared.js';

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
  /** Role ARNs AWS itself names: the cluster role, node roles, Fargate, Pod Identity, add-ons' IRSA, node access entries. Nothing from Kubernetes. */
  const awsRoleArns = (c: AwsCollection) =>
    c.shared('awsRoleArns', async () => {
      // Each source is optional: a source that could not be read (or an emulator that lacks it) only
      // means fewer roles are looked up; its own failure is recorded against its own part.
      const [cluster, nodegroups = [], fargate = [], profiles = [], entries = [], associations = [], addons = []] = await Promise.all([
        c.part('cluster'),
        c.part('nodegroups'),
        c.part('fargateProfiles'),
        c.part('iamInstanceProfiles'),
        c.part('accessEntries'),
        c.part('podIdentityAssociations'),
        c.part('addons'),
      ]);
      return unique([
        // The cluster role: security groups for pods need AmazonEKSVPCResourceController on it.
        cluster?.roleArn,
        ...nodegroups.map((g) => g.nodeRole),
        ...fargate.map((p) => p.podExecutionRoleArn),
        ...profiles.flatMap((p) => p.Roles.map((r) => r.Arn)),
        ...entries.filter((e) => isNodeAccessEntryType(e.type) && e.principalArn?.includes(':role/')).map((e) => e.principalArn),
        ...associations.map((a) => a.roleArn),
        ...addons.map((a) => a.serviceAccountRoleArn),
      ]);
    });

  /**
   * IRSA roles that only ServiceAccounts name. They arrive when the Kubernetes side has read the
   * ServiceAccounts, and only their own lookups wait for them: a hung API server must not cost the
   * node roles. When the run's deadline comes first they are not looked up (the ServiceAccounts'
   * failure is recorded against their own part).
   */
  const irsaRoleArns = (c: AwsCollection) =>
    c.shared('irsaRoleArns', async () => {
      const [known, extra] = await Promise.all([awsRoleArns(c), unlessAborted(extraRoleArns, c.settings.signal, [])]);
      const already = new Set(known);
      return unique(extra.filter((arn) => arn.includes(':role/') && !already.has(arn)));
    });

  /**
   * Roles behind access entries for people and tools (STANDARD, or any type that is not a node's):
   * only whether they still exist matters (access-entries' principal-not-found), so they get
   * iam:GetRole but not their attached policies.
   */
  const accessEntryOnlyRoleArns = (c: AwsCollection) =>
    c.shared('accessEntryOnlyRoleArns', async () => {
      const [entries = [], looked] = await Promise.all([c.part('accessEntries'), awsRoleArns(c)]);
      const already = new Set(looked);
      return unique(entries.filter((e) => !isNodeAccessEntryType(e.type) && e.principalArn?.includes(':role/') && !already.has(e.principalArn)).map((e) => e.principalArn));
    });

  return {
    async iamRoles(c) {
      const lookUp = (arns: string[]) =>
        each(arns, async (arn) => {
          const out = await c.call('iamRoles', 'iam:GetRole', (abortSignal) => iam.send(new GetRoleCommand({ RoleName: roleNameOf(arn) }), { abortSignal }), { codes: ['NoSuchEntity', 'NoSuchEntityException'] });
          if (!out?.Role) {
            c.addNotFound({ resourceType: 'iam-role', id: arn, call: 'iam:GetRole' });
            return [];
          }
          return [roleFromWire('iamRoles', 'iam:GetRole', out.Role)];
        });
      // The roles AWS names are looked up at once; the IRSA roles only ServiceAccounts name, when those are read.
      const [named, irsa, accessEntryOnly] = await Promise.all([awsRoleArns(c).then(lookUp), irsaRoleArns(c).then(lookUp), accessEntryOnlyRoleArns(c).then(lookUp)]);
      // Two references to one role (with and without its path, or named twice) are one role.
      const seen = new Set<string>();
      return [...named, ...irsa, ...accessEntryOnly].flat().filter((r) => (seen.has(r.RoleName ?? '') ? false : (seen.add(r.RoleName ?? ''), true)));
    },

    async iamAttachedRolePolicies(c) {
      const listFor = (names: string[]) => each(names, async (RoleName) => {
        const pages = await c.pages(
          'iamAttachedRolePolicies',
          'iam:ListAttachedRolePolicies',
          paginateListAttachedRolePolicies({ client: iam, pageSize: 100 }, { RoleName }, { abortSignal: c.settings.signal }),
          { codes: ['NoSuchEntity', 'NoSuchEntityException'] },
        );
        // A missing role is recorded by iam:GetRole; here it simply has no list.
        return pages === undefined ? [] : [{ RoleName, AttachedPolicies: toSnapshotJson(pages.flatMap((p) => p.AttachedPolicies ?? [])) }];
      });
      // As for iam:GetRole: the roles AWS names at once, the IRSA roles only ServiceAccounts name when those are read.
      const namedRoles = async () => unique((await awsRoleArns(c)).map(roleNameOf));
      const irsaRoles = async () => {
        const [named, irsa] = await Promise.all([namedRoles(), irsaRoleArns(c)]);
        return unique(irsa.map(roleNameOf)).filter((name) => !named.includes(name));
      };
      const [named, irsa] = await Promise.all([namedRoles().then(listFor), irsaRoles().then(listFor)]);
      return [...named, ...irsa].flat();
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
