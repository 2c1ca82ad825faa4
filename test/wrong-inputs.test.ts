/**
 * First contact with wrong inputs: each is one paragraph on stderr naming the problem and the next
 * step, exit 2, nothing on stdout, no stack trace, and no call made on the strength of it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failOnUnusableCredentials } from '../src/collect/aws/collect-aws.js';
import { checkKubeconfig } from '../src/cli/input-checks.js';
import { UserError } from '../src/user-error.js';
import { listScenarios } from '../mocks/bundled-scenarios.js';
import { isolatedEnv, runCli, STACK_FRAME } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'eks-doctor-inputs-'));
const baseline = listScenarios().find((s) => s.name === 'baseline')!.file;

function kubeconfig(name: string, contexts: string[], current?: string): string {
  const file = join(dir, name);
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...contexts.flatMap((c) => [`- name: ${c}`, '  cluster:', '    server: https://127.0.0.1:1']),
    'users:',
    '- name: me',
    '  user:',
    '    token: t',
    'contexts:',
    ...contexts.flatMap((c) => [`- name: ${c}`, '  context:', `    cluster: ${c}`, '    user: me']),
    ...(current ? [`current-context: ${current}`] : []),
  ];
  writeFileSync(file, `${yaml.join('\n')}\n`);
  return file;
}

/** One paragraph: the first line names the problem, at most one more says what to do. */
function expectWrongInput(result: { code: number; stdout: string; stderr: string }, problem: RegExp, next?: RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stderr.split('\n')[0]).toMatch(problem);
  expect(result.stderr.trimEnd().split('\n').length, result.stderr).toBeLessThanOrEqual(2);
  if (next) expect(result.stderr.split('\n')[1]).toMatch(next);
  expect(result.code).toBe(2);
}

const live = ['diagnose', '--cluster', 'shop-prod', '--region', 'eu-west-1'];

describe('the kubeconfig', () => {
  it('--kubeconfig naming a file that does not exist: exit 2 naming it, before any call', async () => {
    expectWrongInput(await runCli([...live, '--kubeconfig', '/nonexistent/kubeconfig'], isolatedEnv()), /^eks-doctor: kubeconfig \/nonexistent\/kubeconfig \(--kubeconfig\) does not exist$/, /leave --kubeconfig out/);
  });

  it('KUBECONFIG with no file that exists', async () => {
    const env = isolatedEnv({ KUBECONFIG: ['/nonexistent/kc', '/nonexistent/other'].join(delimiter) });
    expectWrongInput(await runCli(live, env), /none of the files KUBECONFIG lists exists: \/nonexistent\/kc, \/nonexistent\/other/, /env -u KUBECONFIG/);
  });

  it('KUBECONFIG entries that do not exist are skipped with a warning, as kubectl does', async () => {
    const good = kubeconfig('good', ['shop-prod'], 'shop-prod');
    const warnings = await checkKubeconfig({}, { KUBECONFIG: ['/nonexistent/kc', good].join(delimiter) });
    expect(warnings).toEqual(['KUBECONFIG lists /nonexistent/kc, which does not exist (or is not a file): skipped, as kubectl skips it.']);
  });

  it('a kubeconfig that cannot be used: no current context, or one naming no cluster', async () => {
    const none = kubeconfig('no-current', ['a', 'b']);
    expectWrongInput(await runCli([...live, '--kubeconfig', none], isolatedEnv()), /--kubeconfig .*no-current sets no current context/, /Contexts there: a, b\. Name one with --context/);
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: x\n  context:\n    cluster: gone\n    user: me\ncurrent-context: x\n');
    expectWrongInput(await runCli([...live, '--kubeconfig', broken], isolatedEnv()), /context 'x' of --kubeconfig .*broken names cluster 'gone', which it does not define/);
  });

  it('--context nosuchcontext says it does not exist and lists the contexts that do', async () => {
    const file = kubeconfig('two', ['shop-prod', 'shop-staging'], 'shop-prod');
    expectWrongInput(
      await runCli([...live, '--kubeconfig', file, '--context', 'nosuchcontext'], isolatedEnv()),
      /^eks-doctor: context 'nosuchcontext' \(--context\) does not exist in --kubeconfig .*two$/,
      /Contexts there: shop-prod, shop-staging\./,
    );
  });
});

describe('the region', () => {
  it('a region of the wrong form is refused before any call, once', async () => {
    expectWrongInput(await runCli(['diagnose', '--cluster', 'shop-prod', '--region', 'not a region!!'], isolatedEnv()), /^eks-doctor: --region 'not a region!!' is not an AWS region name$/, /eu-west-1/);
  });

  it('a well-formed region the SDK does not know names the closest one', async () => {
    expectWrongInput(await runCli(['diagnose', '--cluster', 'shop-prod', '--region', 'eu-wset-1'], isolatedEnv()), /--region eu-wset-1 is not a region the AWS SDK knows/, /Did you mean eu-west-1\?/);
    expectWrongInput(await runCli(['diagnose', '--cluster', 'shop-prod'], isolatedEnv({ AWS_REGION: 'us-esat-1' })), /AWS_REGION us-esat-1 is not a region the AWS SDK knows/, /Did you mean us-east-1\?/);
  });

  it('an endpoint that does not resolve for a region the SDK does not know names the region as the likely mistake', async () => {
    const failure = { part: 'aws.callerIdentity' as const, call: 'sts:GetCallerIdentity', kind: 'unreachable' as const, code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND sts.eu-wset-1.amazonaws.com' };
    const error = await failOnUnusableCredentials([failure], { clients: { region: 'eu-wset-1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/most likely eu-wset-1 is not the region you meant/);
    expect((error as UserError).hint).toMatch(/Did you mean eu-west-1\?/);
  });

  it('STS refusing an opt-in region says the region is not enabled for the account', async () => {
    const failure = { part: 'aws.callerIdentity' as const, call: 'sts:GetCallerIdentity', kind: 'unauthorized' as const, code: 'UnrecognizedClientException', message: 'The security token included in the request is invalid' };
    const error = (await failOnUnusableCredentials([failure], { clients: { region: 'ap-southeast-7' } }).catch((e: unknown) => e)) as UserError;
    expect(error.message).toBe('region ap-southeast-7 is not enabled for this AWS account (STS answered UnrecognizedClientException)');
    expect(error.hint).toMatch(/aws account enable-region --region-name ap-southeast-7/);
  });
});

describe('the profile', () => {
  it('--profile naming no profile names it, the files looked in, and the profiles that exist', async () => {
    const env = isolatedEnv();
    writeFileSync(env.AWS_CONFIG_FILE!, '[default]\nregion = eu-west-1\n[profile prod-admin]\nregion = eu-west-1\n[sso-session corp]\nsso_region = eu-west-1\n');
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '[ci]\naws_access_key_id = x\naws_secret_access_key = y\n');
    const result = await runCli(['diagnose', '--cluster', 'shop-prod', '--profile', 'prod', '--region', 'eu-west-1'], env);
    expectWrongInput(result, new RegExp(`--profile names profile 'prod', which neither ${env.AWS_CONFIG_FILE} nor ${env.AWS_SHARED_CREDENTIALS_FILE} defines`), /Profiles there: ci, default, prod-admin\. Did you mean prod-admin\?/);
  });
});

describe('numbers, conflicts and files', () => {
  it('negative numbers say what the option accepts', async () => {
    expectWrongInput(await runCli([...live, '--timeout', '-1'], isolatedEnv()), /--timeout must be a number of at least 1; got '-1'/);
    expectWrongInput(await runCli(['diagnose', '--snapshot', baseline, '--free-ip-threshold', '-5']), /--free-ip-threshold must be a whole number of at least 0; got '-5'/);
  });

  it('--timeout with --snapshot names the conflict', async () => {
    expectWrongInput(await runCli(['diagnose', '--snapshot', baseline, '--timeout', '5']), /--timeout does not go with --snapshot/, /instead of --snapshot/);
  });

  it('--snapshot DIR says it wants a file', async () => {
    const folder = join(dir, 'bundle-dir');
    mkdirSync(folder, { recursive: true });
    expectWrongInput(await runCli(['diagnose', '--snapshot', folder]), /--snapshot .*bundle-dir is a directory; --snapshot wants a file/, /eks-doctor collect --out FILE/);
  });

  it('the output of aws eks describe-cluster is not a snapshot, and says what one looks like', async () => {
    const file = join(dir, 'describe-cluster.json');
    writeFileSync(file, JSON.stringify({ cluster: { name: 'shop-prod', arn: 'arn:aws:eks:eu-west-1:111122223333:cluster/shop-prod', status: 'ACTIVE' } }));
    expectWrongInput(await runCli(['diagnose', '--snapshot', file]), /describe-cluster\.json is not an eks-doctor snapshot: it looks like the output of `aws eks describe-cluster`/, /eks-doctor collect --cluster NAME --out FILE/);
  });

  it('no command at all says so, on stderr, with exit 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toMatch(/^eks-doctor: no command given\./);
  });

  it('demo with an unknown scenario suggests the closest names, not all of them', async () => {
    expectWrongInput(await runCli(['demo', 'node-role']), /^eks-doctor: unknown scenario 'node-role'$/, /^Closest: (node-role-[a-z0-9-]+(, )?){1,4}\. `eks-doctor demo --list` lists all \d+/);
  });
});
