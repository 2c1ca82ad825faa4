/**
 * What a live run is told to use, checked before the first call: the kubeconfig (--kubeconfig,
 * KUBECONFIG, --context), the region and the profile. A wrong one is a user error named in one
 * paragraph (exit 2), never a run that quietly goes on without it and misses what it was for.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { closestRegions, isKnownRegion, isRegionForm } from '../domain/aws-regions.js';
import { closestNames, UserError } from '../user-error.js';
import type { CommandIo } from './command.js';
import type { LiveSettings } from './live-settings.js';
import { timedImport } from '../trace/tracer.js';

/** Every check, in the order a user would fix them; warnings (KUBECONFIG entries skipped) go to stderr. */
export async function checkLiveInputs(settings: Pick<LiveSettings, 'region' | 'profile' | 'kubeconfig' | 'context'>, io: CommandIo): Promise<void> {
  if (settings.region !== undefined) await checkRegion(settings.region, '--region');
  else if (io.env.AWS_REGION) await checkRegion(io.env.AWS_REGION, 'AWS_REGION');
  checkProfile(settings.profile ?? io.env.AWS_PROFILE, settings.profile !== undefined ? '--profile' : 'AWS_PROFILE', io.env);
  for (const warning of await checkKubeconfig(settings, io.env)) io.stderr.write(`eks-doctor: ${warning}\n`);
}

/** The form first ('not a region!!'), then whether the SDK's partition data knows it ('eu-wset-1'). */
export async function checkRegion(region: string, source: string): Promise<void> {
  if (!isRegionForm(region)) {
    throw new UserError(`${source} '${region}' is not an AWS region name`, 'A region name looks like eu-west-1 or us-east-2 (`aws account list-regions` lists those of your account).');
  }
  if (await isKnownRegion(region)) return;
  const closest = await closestRegions(region);
  throw new UserError(
    `${source} ${region} is not a region the AWS SDK knows: most likely a typo`,
    `${closest.length > 0 ? `Did you mean ${closest.join(' or ')}? ` : ''}Pass the region your cluster is in, for example --region eu-west-1.`,
  );
}

/**
 * A named profile must exist in the shared config or credentials file, as the SDK reads them
 * (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials).
 */
export function checkProfile(profile: string | undefined, source: string, env: NodeJS.ProcessEnv): void {
  if (profile === undefined || profile === '') return;
  const home = env.HOME ?? homedir();
  const configFile = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  const profiles = new Set([...sectionNames(configFile, 'config'), ...sectionNames(credentialsFile, 'credentials')]);
  if (profiles.has(profile)) return;
  const closest = closestNames(profile, [...profiles], 2);
  throw new UserError(
    `${source} names profile '${profile}', which neither ${configFile} nor ${credentialsFile} defines`,
    profiles.size > 0
      ? `Profiles there: ${[...profiles].sort().join(', ')}.${closest.length > 0 ? ` Did you mean ${closest.join(' or ')}?` : ''} Or create it with \`aws configure --profile ${profile}\` (or \`aws configure sso\`).`
      : `Those files define no profile at all. Create it with \`aws configure --profile ${profile}\` (or \`aws configure sso\`), or leave ${source} out to use the default credential chain.`,
  );
}

/** Profile names of a shared file: `[profile NAME]` and `[default]` in config, `[NAME]` in credentials. */
function sectionNames(file: string, kind: 'config' | 'credentials'): string[] {
  let text: string;
  try {
    text = readText(file);
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const match of text.matchAll(/^\s*\[([^\]]+)\]\s*$/gm)) {
    const section = match[1]!.trim();
    if (kind === 'credentials') names.push(section);
    else if (section === 'default') names.push(section);
    else if (section.startsWith('profile ')) names.push(section.slice('profile '.length).trim());
  }
  return names;
}

function readText(file: string): string {
  return statSync(file).isFile() ? readFileSync(file, 'utf8') : '';
}

/**
 * The kubeconfig the user chose, as kubectl would load it: --kubeconfig must exist; of a KUBECONFIG
 * list, missing entries are skipped with a warning and only none existing is an error; the merged
 * config must parse, and the context (--context, else current-context) must exist and name a cluster.
 * Returns the warnings.
 */
export async function checkKubeconfig(settings: { kubeconfig?: string; context?: string }, env: NodeJS.ProcessEnv): Promise<string[]> {
  const warnings: string[] = [];
  let files: string[];
  let named: string;
  if (settings.kubeconfig !== undefined) {
    named = `--kubeconfig ${settings.kubeconfig}`;
    if (!existsSync(settings.kubeconfig)) {
      throw new UserError(`kubeconfig ${settings.kubeconfig} (--kubeconfig) does not exist`, 'Give the path of an existing kubeconfig, or leave --kubeconfig out to reach the cluster with its DescribeCluster endpoint and an EKS token.');
    }
    if (!statSync(settings.kubeconfig).isFile()) throw new UserError(`--kubeconfig ${settings.kubeconfig} is a directory; it wants a kubeconfig file`, 'Give the file itself, for example ~/.kube/config.');
    files = [settings.kubeconfig];
  } else if (env.KUBECONFIG && env.KUBECONFIG.split(delimiter).some((f) => f !== '')) {
    const entries = env.KUBECONFIG.split(delimiter).filter((f) => f !== '');
    files = entries.filter((f) => existsSync(f) && statSync(f).isFile());
    for (const missing of entries.filter((f) => !files.includes(f))) warnings.push(`KUBECONFIG lists ${missing}, which does not exist (or is not a file): skipped, as kubectl skips it.`);
    named = `KUBECONFIG (${files.join(delimiter)})`;
    if (files.length === 0) {
      throw new UserError(
        `none of the files KUBECONFIG lists exists: ${entries.join(', ')}`,
        'Point KUBECONFIG at your kubeconfig, or run with it unset (env -u KUBECONFIG) to reach the cluster with its DescribeCluster endpoint and an EKS token.',
      );
    }
  } else if (settings.context !== undefined) {
    const defaultFile = join(env.HOME ?? homedir(), '.kube', 'config');
    named = defaultFile;
    if (!existsSync(defaultFile)) throw new UserError(`--context ${settings.context} needs a kubeconfig, and ${defaultFile} does not exist`, 'Give the file with --kubeconfig FILE, or set KUBECONFIG.');
    files = [defaultFile];
  } else {
    return warnings;
  }

  const { loadKubeconfigFiles } = await timedImport('collect/kubernetes/connection', () => import('../collect/kubernetes/connection.js'));
  let config: ReturnType<typeof loadKubeconfigFiles>;
  try {
    config = loadKubeconfigFiles(files);
  } catch (error) {
    throw new UserError(`cannot read the kubeconfig ${named}: ${(error as Error).message}`, `Check it with \`kubectl config view --kubeconfig ${files[0]}\`.`);
  }
  const contexts = config.getContexts().map((c) => c.name);
  const contextList = contexts.length > 0 ? `Contexts there: ${contexts.join(', ')}.` : 'It defines no context at all.';
  if (settings.context !== undefined && !contexts.includes(settings.context)) {
    const closest = closestNames(settings.context, contexts, 2);
    throw new UserError(`context '${settings.context}' (--context) does not exist in ${named}`, `${contextList}${closest.length > 0 ? ` Did you mean ${closest.join(' or ')}?` : ''} Name one with --context.`);
  }
  const context = settings.context ?? config.getCurrentContext();
  if (!context) throw new UserError(`${named} sets no current context`, `${contextList} Name one with --context, or set it with \`kubectl config use-context NAME\`.`);
  const contextObject = config.getContextObject(context);
  if (!contextObject) throw new UserError(`${named} sets current-context '${context}', which it does not define`, `${contextList} Name one with --context.`);
  if (!config.getCluster(contextObject.cluster)) {
    throw new UserError(`context '${context}' of ${named} names cluster '${contextObject.cluster}', which it does not define`, `Fix the kubeconfig (\`kubectl config view\` shows it), or add the cluster with \`aws eks update-kubeconfig --name CLUSTER\`.`);
  }
  return warnings;
}
