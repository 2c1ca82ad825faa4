/**
 * The SDK clients, configured the way AWS users expect: the default credential chain
 * (environment, shared files, SSO, web identity/IRSA, container and instance metadata), --profile,
 * the region from --region, AWS_REGION, AWS_DEFAULT_REGION or the profile, --endpoint-url (and the
 * SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>), proxies, an explicit retry budget, and
 * a timeout on every HTTP attempt.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { LookupEventsCommandInput, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { DescribePullThroughCacheRulesCommandInput, DescribePullThroughCacheRulesCommandOutput, GetRepositoryPolicyCommandInput, GetRepositoryPolicyCommandOutput } from '@aws-sdk/client-ecr';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HandlerExecutionContext, MetadataBearer } from '@smithy/types';
import { NO_TRACE, PHASE, type PhaseName, type Span, type Tracer } from '../../trace/tracer.js';
import { UserError } from '../../user-error.js';
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS } from './defaults.js';
import { proxySettingsFromEnv } from '../proxy.js';
import { proxyAgents } from './proxy.js';
import { ReadRetryStrategy, type RetryBudget } from './retry.js';


export interface AwsConnectionOptions {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  /** Fixed credentials (tests, the mock); otherwise the default provider chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Bound on one HTTP attempt (connection to last byte). */
  callTimeoutMs?: number;
  connectTimeoutMs?: number;
  /**
   * Attempts per call, including the first (tests): caps every kind of retry. Without it, 4 for
   * 5xx, timeouts and resets and 10 while throttled (retry.ts).
   */
  maxAttempts?: number;
  /** The retry budget's other settings (tests shorten the waits). */
  retry?: Partial<RetryBudget>;
  env?: NodeJS.ProcessEnv;
  /** Receives one line per request for --debug. Never given credentials or signatures. */
  debug?: (line: string) => void;
  /** Shared by all clients of a multi-cluster audit: every HTTP attempt (retries too) takes a token. */
  rateLimiter?: { acquire(): Promise<void> };
  /** --trace: a span per call and a CLIENT span per HTTP attempt, under the open 'collect AWS' phase. */
  tracer?: Tracer;
  /** The phase the request spans hang under (default 'collect AWS'; the enrichment pass's are 'change history'). */
  tracePhase?: PhaseName;
  /** CloudTrail's own pace (about 2 requests a second per account and region): the limiter for a region. */
  cloudTrailPace?: (region: string) => { acquire(): Promise<void> };
}

/** The one CloudTrail call eks-doctor makes, on a client made on first use. */
export interface CloudTrailReader {
  lookupEvents(input: LookupEventsCommandInput, abortSignal: AbortSignal): Promise<LookupEventsCommandOutput>;
}

/** The two ECR calls eks-doctor makes, on a client for one region made on first use. */
export interface EcrReader {
  describePullThroughCacheRules(input: DescribePullThroughCacheRulesCommandInput, abortSignal: AbortSignal): Promise<DescribePullThroughCacheRulesCommandOutput>;
  getRepositoryPolicy(input: GetRepositoryPolicyCommandInput, abortSignal: AbortSignal): Promise<GetRepositoryPolicyCommandOutput>;
}

export interface AwsClients {
  region: string;
  eks: EKSClient;
  ec2: EC2Client;
  autoScaling: AutoScalingClient;
  iam: IAMClient;
  sts: STSClient;
  serviceQuotas: ServiceQuotasClient;
  cloudWatch: CloudWatchClient;
  /** The credentials every client signs with; the EKS token for the API server is signed with them too. */
  credentials: AwsCredentialIdentityProvider;
  /**
   * A CloudTrail client for a region (IAM events are recorded in us-east-1 only), its SDK loaded on
   * first use: only the enrichment pass asks for one.
   */
  cloudTrail(region: string): Promise<CloudTrailReader>;
  /**
   * An ECR client for a region (another account's registry may be in another region than the
   * cluster), its SDK loaded on first use: only failing image pulls ask for one.
   */
  ecr(region: string): Promise<EcrReader>;
  destroy(): void;
}

/** --region, then AWS_REGION, then AWS_DEFAULT_REGION (which SDK v3 ignores), then the profile's region. */
export async function resolveRegion(options: Pick<AwsConnectionOptions, 'region' | 'profile' | 'env'>): Promise<string> {
  const env = options.env ?? process.env;
  const explicit = options.region || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (explicit) return explicit;
  // The SDK's own resolver reads the shared config file for the profile.
  const probe = new STSClient(options.profile ? { profile: options.profile } : {});
  try {
    const region = await probe.config.region();
    if (region) return region;
  } catch {
    // no region configured anywhere: fall through to the user error
  } finally {
    probe.destroy();
  }
  throw new UserError(
    'no AWS region given',
    `Pass --region (for example --region eu-west-1), set AWS_REGION, or set a region for the profile in ~/.aws/config${options.profile ? ` ([profile ${options.profile}])` : ''}.`,
  );
}

export async function createAwsClients(options: AwsConnectionOptions): Promise<AwsClients> {
  const env = options.env ?? process.env;
  // eks-doctor supports Node 20 (package.json engines); the SDK's notice about its future Node 22
  // requirement would otherwise interleave with every report on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region = await resolveRegion(options);
  const credentials = options.credentials ?? fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
  const requestHandler = new NodeHttpHandler({
    connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeout: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    throwOnRequestTimeout: true,
    ...proxyAgents(proxySettingsFromEnv(env), options.endpointUrl),
  });
  const common = {
    region,
    credentials,
    requestHandler,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  } as const;
  const budget: Partial<RetryBudget> = {
    ...options.retry,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts, throttlingMaxAttempts: options.maxAttempts } : {}),
  };
  // One strategy (and so one retry quota) per client, as the SDK's own.
  const withRetries = () => ({ ...common, retryStrategy: new ReadRetryStrategy(budget) });
  const clients = {
    eks: new EKSClient(withRetries()),
    ec2: new EC2Client(withRetries()),
    autoScaling: new AutoScalingClient(withRetries()),
    iam: new IAMClient(withRetries()),
    sts: new STSClient(withRetries()),
    serviceQuotas: new ServiceQuotasClient(withRetries()),
    cloudWatch: new CloudWatchClient(withRetries()),
  };
  for (const client of Object.values(clients)) refuseWebPages(client);
  if (options.rateLimiter) {
    for (const client of Object.values(clients)) addRateLimit(client, options.rateLimiter);
  }
  const tracer = options.tracer ?? NO_TRACE;
  /** What every client gets whatever its service: the tracing and --debug middleware. */
  const instrument = (client: unknown, signingName: string, clientRegion: string) => {
    // Without --trace no middleware is added at all: tracing costs nothing then.
    if (tracer.enabled) addRequestTracing(client, signingName, clientRegion, tracer, options.tracePhase ?? PHASE.collectAws);
    if (options.debug) addDebugLog(client, signingName, options.debug);
  };
  for (const key of Object.keys(SIGNING_NAMES) as (keyof typeof SIGNING_NAMES)[]) instrument(clients[key], SIGNING_NAMES[key], region);
  const cloudTrailClients = new Map<string, Promise<{ reader: CloudTrailReader; destroy(): void }>>();
  const cloudTrail = (clientRegion: string): Promise<CloudTrailReader> => {
    let made = cloudTrailClients.get(clientRegion);
    if (!made) {
      made = import('@aws-sdk/client-cloudtrail').then(({ CloudTrailClient, LookupEventsCommand }) => {
        const client = new CloudTrailClient({ ...withRetries(), region: clientRegion });
        refuseWebPages(client);
        // Every attempt (retries too) waits for CloudTrail's own pace, and for the audit's shared rate.
        const pace = options.cloudTrailPace?.(clientRegion);
        if (pace) addRateLimit(client, pace);
        if (options.rateLimiter) addRateLimit(client, options.rateLimiter);
        instrument(client, 'cloudtrail', clientRegion);
        return { reader: { lookupEvents: (input, abortSignal) => client.send(new LookupEventsCommand(input), { abortSignal }) }, destroy: () => client.destroy() };
      });
      cloudTrailClients.set(clientRegion, made);
    }
    return made.then((m) => m.reader);
  };
  const ecrClients = new Map<string, Promise<{ reader: EcrReader; destroy(): void }>>();
  const ecr = (clientRegion: string): Promise<EcrReader> => {
    let made = ecrClients.get(clientRegion);
    if (!made) {
      made = import('./ecr-client.js').then(({ ECRClient, DescribePullThroughCacheRulesCommand, GetRepositoryPolicyCommand }) => {
        const client = new ECRClient({ ...withRetries(), region: clientRegion });
        refuseWebPages(client);
        if (options.rateLimiter) addRateLimit(client, options.rateLimiter);
        instrument(client, 'ecr', clientRegion);
        return {
          reader: {
            describePullThroughCacheRules: (input, abortSignal) => client.send(new DescribePullThroughCacheRulesCommand(input), { abortSignal }),
            getRepositoryPolicy: (input, abortSignal) => client.send(new GetRepositoryPolicyCommand(input), { abortSignal }),
          },
          destroy: () => client.destroy(),
        };
      });
      ecrClients.set(clientRegion, made);
    }
    return made.then((m) => m.reader);
  };
  return {
    region,
    ...clients,
    credentials: typeof credentials === 'function' ? credentials : async () => credentials,
    cloudTrail,
    ecr,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
      for (const made of [...cloudTrailClients.values(), ...ecrClients.values()]) void made.then((m) => m.destroy(), () => undefined);
    },
  };
}

/**
 * The service as the IAM policy spells its actions and the mock logs them: 'ec2:DescribeSubnets'.
 * The signing name, except CloudWatch's, which signs as 'monitoring' and is 'cloudwatch' in IAM.
 */
const SIGNING_NAMES = { eks: 'eks', ec2: 'ec2', autoScaling: 'autoscaling', iam: 'iam', sts: 'sts', serviceQuotas: 'servicequotas', cloudWatch: 'cloudwatch' } as const;

interface ClientWithStack {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<{ output: unknown }>, context: HandlerExecutionContext) => (args: unknown) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** One line per call: service, action, final HTTP status, duration, and how many retries it took. */
function addDebugLog(client: unknown, service: string, debug: (line: string) => void): void {
  (client as ClientWithStack).middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      const action = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      try {
        const result = await next(args);
        const metadata = (result.output as MetadataBearer).$metadata;
        debug(`aws ${service}:${action} ${metadata.httpStatusCode ?? '-'} ${Math.round(performance.now() - started)}ms retries=${Math.max(0, (metadata.attempts ?? 1) - 1)}`);
        return result;
      } catch (error) {
        const metadata = (error as Partial<MetadataBearer>).$metadata;
        const name = error instanceof Error ? error.name : 'Error';
        debug(`aws ${service}:${action} ${metadata?.httpStatusCode ?? '-'} ${Math.round(performance.now() - started)}ms retries=${Math.max(0, (metadata?.attempts ?? 1) - 1)} error=${name}`);
        throw error;
      }
    },
    { step: 'initialize', name: 'eksDoctorDebugLog' },
  );
}

interface ClientWithFinalizeStack {
  middlewareStack: {
    add(middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, options: { step: 'finalizeRequest'; name: string }): void;
  };
}

/** In the finalizeRequest step, which runs once per attempt: retries are paced too. */
function addRateLimit(client: unknown, limiter: { acquire(): Promise<void> }): void {
  (client as ClientWithFinalizeStack).middlewareStack.add(
    (next) => async (args) => {
      await limiter.acquire();
      return next(args);
    },
    { step: 'finalizeRequest', name: 'eksDoctorRateLimit' },
  );
}

interface ClientWithResponseStack {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<{ output: unknown; response?: unknown }>) => (args: unknown) => Promise<{ output: unknown; response?: unknown }>,
      options: { step: 'finalizeRequest'; name: string; priority: 'low' },
    ): void;
  };
}

/**
 * A 200 that is a web page (a forward proxy's block page, a captive portal) is no AWS answer, even
 * when its HTML happens to be well-formed XML that the query protocols' parsers read as an empty
 * result: that would enter the snapshot as "no instances". It fails the call as unparseable instead.
 * AWS APIs answer JSON or XML, never text/html.
 */
function refuseWebPages(client: unknown): void {
  (client as ClientWithResponseStack).middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; headers?: Record<string, string> } | undefined;
      const contentType = Object.entries(response?.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
      if (/^\s*text\/html/i.test(contentType)) {
        throw Object.assign(new Error(`Deserialization error: the HTTP ${response?.statusCode ?? '?'} answer is a web page (Content-Type: ${contentType}), not an AWS API response; a proxy or captive portal may have answered in AWS's place`), { name: 'SyntaxError' });
      }
      return result;
    },
    { step: 'finalizeRequest', name: 'eksDoctorRefuseWebPages', priority: 'low' },
  );
}

interface TracedCall {
  span: Span;
  attempts: number;
}

interface ClientWithTracingStack {
  middlewareStack: {
    add(
      middleware: (next: (args: { request?: unknown }) => Promise<{ output: unknown; response?: unknown }>, context: HandlerExecutionContext) => (args: { request?: unknown }) => Promise<{ output: unknown; response?: unknown }>,
      options: { step: 'initialize' | 'finalizeRequest'; name: string; priority?: 'low' },
    ): void;
  };
}

/**
 * --trace: the logical call (initialize step, once per `send`: its attempts, final status, error
 * code) as an INTERNAL span, and each HTTP attempt (finalizeRequest step, after the SDK's retry
 * middleware, so once per attempt) as a CLIENT span inside it: one CLIENT span per request that
 * reaches the wire, and the back-off between attempts shows as the gaps. Attributes are the
 * service, action, region, status and error code: never headers, parameters or messages, which can
 * hold credentials, account IDs or addresses.
 */
function addRequestTracing(client: unknown, service: string, region: string, tracer: Tracer, phase: PhaseName): void {
  const calls = new WeakMap<HandlerExecutionContext, TracedCall>();
  const stack = (client as ClientWithTracingStack).middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      const method = action(context);
      const call: TracedCall = {
        span: tracer.start(`${service}:${method}`, { parent: phase, attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': method, 'aws.region': region } }),
        attempts: 0,
      };
      calls.set(context, call);
      try {
        const result = await next(args);
        const metadata = (result.output as MetadataBearer).$metadata;
        call.span.set({ 'http.response.status_code': metadata.httpStatusCode, 'eks_doctor.attempts': metadata.attempts ?? call.attempts });
        call.span.end();
        return result;
      } catch (error) {
        const metadata = (error as Partial<MetadataBearer>).$metadata;
        const code = errorCode(error);
        call.span.set({ 'http.response.status_code': metadata?.httpStatusCode, 'eks_doctor.attempts': metadata?.attempts ?? call.attempts, 'error.type': code });
        call.span.end(code);
        throw error;
      }
    },
    { step: 'initialize', name: 'eksDoctorTraceCall' },
  );
  stack.add(
    (next, context) => async (args) => {
      const call = calls.get(context);
      const attempt = call ? ++call.attempts : 1;
      const method = action(context);
      const span = tracer.start(`${service}:${method}`, {
        kind: 'client',
        parent: call?.span ?? phase,
        attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': method, 'aws.region': region, 'eks_doctor.attempt': attempt },
      });
      try {
        const result = await next(args);
        span.set({ 'http.response.status_code': (result.response as { statusCode?: number } | undefined)?.statusCode });
        span.end();
        return result;
      } catch (error) {
        const code = errorCode(error);
        span.set({ 'http.response.status_code': (error as Partial<MetadataBearer>).$metadata?.httpStatusCode, 'error.type': code });
        span.end(code);
        throw error;
      }
    },
    // Innermost of the step: after retries are decided and the request is signed, just before the wire.
    { step: 'finalizeRequest', name: 'eksDoctorTraceAttempt', priority: 'low' },
  );
}

function action(context: HandlerExecutionContext): string {
  return String(context.commandName ?? 'unknown').replace(/Command$/, '');
}

/** The SDK's error name ('Throttling', 'AccessDenied', 'TimeoutError'): a code, never the message. */
function errorCode(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
