/**
 * The AWS mock: one HTTP server on 127.0.0.1 that answers EC2, Auto Scaling, IAM, STS, EKS, ECR,
 * Service Quotas, CloudWatch and CloudTrail over their real wire protocols, from the AWS side of any number of snapshots.
 *
 * Requests are routed by the SigV4 credential scope (`Credential=AKID/date/REGION/SERVICE/aws4_request`):
 * the service decides the protocol (EC2 and Auto Scaling both have a DescribeTags), the region
 * decides which snapshots answer. Signatures are not verified; the scope is all the mock needs.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import * as autoScalingClient from '@aws-sdk/client-auto-scaling';
import * as cloudTrailClient from '@aws-sdk/client-cloudtrail';
import * as cloudWatchClient from '@aws-sdk/client-cloudwatch';
import * as ec2Client from '@aws-sdk/client-ec2';
import * as ecrClient from '@aws-sdk/client-ecr';
import * as eksClient from '@aws-sdk/client-eks';
import * as iamClient from '@aws-sdk/client-iam';
import * as serviceQuotasClient from '@aws-sdk/client-service-quotas';
import * as stsClient from '@aws-sdk/client-sts';
import type { Snapshot } from '../../src/snapshot/types.js';
import { RequestLog } from '../request-log.js';
import { AwsApiError, type Handler, type HandlerContext } from './api.js';
import { FaultInjector, faultsFromSnapshot, type FaultRule } from './faults.js';
import { AUTOSCALING_HANDLERS } from './services/autoscaling.js';
import { CLOUDTRAIL_HANDLERS } from './services/cloudtrail.js';
import { CLOUDWATCH_HANDLERS } from './services/cloudwatch.js';
import { EC2_HANDLERS } from './services/ec2.js';
import { ECR_HANDLERS } from './services/ecr.js';
import { eksHandlers, type ClusterOverrides } from './services/eks.js';
import { IAM_HANDLERS, STS_HANDLERS } from './services/iam.js';
import { SERVICEQUOTAS_HANDLERS } from './services/servicequotas.js';
import { escapeXml, fromWireJson, matchPath, operationModels, readQueryInput, readRestInput, toWireJson, writeXmlMembers, type OperationModel, type XmlFlavor } from './wire.js';
import { MockWorld } from './world.js';

/** Fixed credentials for talking to the mock; the Kubernetes mock verifies EKS tokens signed with them. */
export const MOCK_CREDENTIALS = {
  accessKeyId: 'AKIAEKSDOCTORMOCK000',
  secretAccessKey: 'eks-doctor-mock-secret-key-not-a-real-secret',
} as const;

export interface AwsMockOptions {
  snapshots: Snapshot[];
  faults?: FaultRule[];
  /** Added to every answer (ms). */
  latencyMs?: number;
  log?: RequestLog;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Caps every page so tests can prove the tool follows pagination tokens. */
  maxPageSize?: number;
  /** Lets the Kubernetes mock put its own API server's endpoint and CA into DescribeCluster. */
  clusterOverrides?: (snapshot: Snapshot) => ClusterOverrides | undefined;
  /** UserData (base64) to serve for launch-template versions, by 'lt-id:version', instead of rendering the snapshots' facts. */
  userData?: ReadonlyMap<string, string>;
  /** Serve the failures recorded in the snapshots' errors (default true). */
  replaySnapshotErrors?: boolean;
}

export interface AwsMock {
  /** http://127.0.0.1:PORT */
  url: string;
  log: RequestLog;
  /** Replaces the injected faults (the snapshots' own recorded failures stay) and resets their counters. */
  setFaults(faults: FaultRule[]): void;
  close(): Promise<void>;
}

interface ServiceProtocol {
  /** 'json': AWS JSON 1.0/1.1, the operation named by X-Amz-Target (Service Quotas, CloudWatch). */
  protocol: 'ec2' | 'query' | 'rest-json' | 'json';
  /** The service as IAM spells its actions, where the signing name differs (CloudWatch signs as 'monitoring'). */
  iamName?: string;
  /** JSON protocols: the X-Amz-Target prefix and the content type's version. */
  targetPrefix?: string;
  /**
   * Other prefixes the service accepts: CloudTrail's model names its target prefix
   * com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101 (what botocore sends), while the AWS SDK
   * for JavaScript sends the service shape's name, CloudTrail_20131101.
   */
  targetAliases?: string[];
  jsonVersion?: '1.0' | '1.1';
  /** A JSON service's own throttling error (Service Quotas' TooManyRequestsException unless said). */
  throttlingCode?: string;
  /** A JSON service's own 500 (ECR's modelled ServerException; ServiceException unless said). */
  serverErrorCode?: string;
  /** A JSON protocol that also answers in the query protocol's error codes (x-amzn-query-error). */
  queryCompatible?: boolean;
  version?: string;
  xmlNamespace?: string;
  operations: Map<string, OperationModel>;
  handlers: Record<string, Handler>;
}

/** One list of SDK models per process: reading the EC2 model takes a moment. */
let models: Record<'ec2' | 'autoscaling' | 'iam' | 'sts' | 'eks' | 'ecr' | 'servicequotas' | 'monitoring' | 'cloudtrail', Map<string, OperationModel>> | undefined;
function loadModels() {
  models ??= {
    ec2: operationModels(ec2Client),
    autoscaling: operationModels(autoScalingClient),
    iam: operationModels(iamClient),
    sts: operationModels(stsClient),
    eks: operationModels(eksClient),
    ecr: operationModels(ecrClient),
    servicequotas: operationModels(serviceQuotasClient),
    cloudtrail: operationModels(cloudTrailClient),
    monitoring: operationModels(cloudWatchClient),
  };
  return models;
}

export async function startAwsMock(options: AwsMockOptions): Promise<AwsMock> {
  const world = new MockWorld(options.snapshots, { ...(options.clusterOverrides ? { clusterOverrides: options.clusterOverrides } : {}), ...(options.userData ? { userData: options.userData } : {}) });
  const log = options.log ?? new RequestLog();
  const recorded = options.replaySnapshotErrors === false ? [] : options.snapshots.flatMap(faultsFromSnapshot);
  const faults = new FaultInjector([...(options.faults ?? []), ...recorded]);
  const loaded = loadModels();
  const services: Record<string, ServiceProtocol> = {
    ec2: { protocol: 'ec2', version: '2016-11-15', xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/', operations: loaded.ec2, handlers: EC2_HANDLERS },
    autoscaling: { protocol: 'query', version: '2011-01-01', xmlNamespace: 'http://autoscaling.amazonaws.com/doc/2011-01-01/', operations: loaded.autoscaling, handlers: AUTOSCALING_HANDLERS },
    iam: { protocol: 'query', version: '2010-05-08', xmlNamespace: 'https://iam.amazonaws.com/doc/2010-05-08/', operations: loaded.iam, handlers: IAM_HANDLERS },
    sts: { protocol: 'query', version: '2011-06-15', xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/', operations: loaded.sts, handlers: STS_HANDLERS },
    eks: { protocol: 'rest-json', operations: loaded.eks, handlers: eksHandlers(options.clusterOverrides) },
    ecr: { protocol: 'json', targetPrefix: 'AmazonEC2ContainerRegistry_V20150921', jsonVersion: '1.1', throttlingCode: 'ThrottlingException', serverErrorCode: 'ServerException', operations: loaded.ecr, handlers: ECR_HANDLERS },
    servicequotas: { protocol: 'json', targetPrefix: 'ServiceQuotasV20190624', jsonVersion: '1.1', operations: loaded.servicequotas, handlers: SERVICEQUOTAS_HANDLERS },
    cloudtrail: { protocol: 'json', targetPrefix: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101', targetAliases: ['CloudTrail_20131101'], jsonVersion: '1.1', throttlingCode: 'ThrottlingException', operations: loaded.cloudtrail, handlers: CLOUDTRAIL_HANDLERS },
    // Since 2025 CloudWatch speaks AWS JSON 1.0 (query-compatible), which the SDK and botocore both prefer to the query protocol.
    monitoring: {
      protocol: 'json',
      iamName: 'cloudwatch',
      targetPrefix: 'GraniteServiceVersion20100801',
      jsonVersion: '1.0',
      queryCompatible: true,
      operations: loaded.monitoring,
      handlers: CLOUDWATCH_HANDLERS,
    },
  };
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      // A bug in the mock: answer something a client can see rather than hanging.
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`aws-mock internal error: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const scope = credentialScope(request, url);
    const finish = (entry: { service: string; action: string; region?: string; status: number; fault?: string }) =>
      log.add({ ...entry, startedAt, endedAt: Date.now() });

    if (!scope) {
      sendXml(response, 403, `<ErrorResponse><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
      finish({ service: 'unknown', action: `${request.method} ${url.pathname}`, status: 403 });
      return;
    }
    const service = services[scope.service];
    if (!service) {
      sendXml(response, 400, `<ErrorResponse><Error><Type>Sender</Type><Code>UnknownService</Code><Message>The AWS mock does not serve ${escapeXml(scope.service)}</Message></Error></ErrorResponse>`);
      finish({ service: scope.service, action: `${request.method} ${url.pathname}`, region: scope.region, status: 400 });
      return;
    }
    const serviceName = service.iamName ?? scope.service;

    // Which operation, and its input.
    let operation: OperationModel | undefined;
    let input: Record<string, unknown> = {};
    let actionName: string;
    if (service.protocol === 'rest-json') {
      const match = findRestOperation(service.operations, request.method ?? 'GET', url.pathname);
      actionName = match?.operation.name ?? `${request.method} ${url.pathname}`;
      if (match) {
        operation = match.operation;
        input = readRestInput(operation.input, match.labels, url.searchParams);
        if (body.length > 0) {
          try {
            input = { ...(JSON.parse(body.toString('utf8')) as Record<string, unknown>), ...input };
          } catch {
            return answerError(new AwsApiError('SerializationException', 'The request body is not valid JSON', 400));
          }
        }
      }
    } else if (service.protocol === 'json') {
      const target = request.headers['x-amz-target'];
      const prefix = [service.targetPrefix!, ...(service.targetAliases ?? [])].find((p) => typeof target === 'string' && target.startsWith(`${p}.`));
      actionName = typeof target === 'string' && prefix ? target.slice(prefix.length + 1) : `(X-Amz-Target ${String(target ?? 'missing')})`;
      operation = service.operations.get(actionName);
      if (operation) {
        try {
          input = fromWireJson(operation.input, JSON.parse(body.length > 0 ? body.toString('utf8') : '{}')) as Record<string, unknown>;
        } catch {
          return answerError(new AwsApiError('SerializationException', 'The request body is not valid JSON', 400));
        }
      }
    } else {
      const params = request.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
      actionName = params.get('Action') ?? '(no Action)';
      operation = service.operations.get(actionName);
      if (operation) input = readQueryInput(operation.input, params, service.protocol === 'ec2' ? 'ec2' : 'query');
    }

    const decision = faults.decide(serviceName, actionName, scope.region, JSON.stringify(input));
    const latency = decision.latencyMs + (options.latencyMs ?? 0);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const fault = decision.fault;

    function answerError(error: AwsApiError, faultName?: string): void {
      const requestId = randomUUID();
      if (service!.protocol === 'rest-json') {
        response.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code });
        response.end(JSON.stringify({ message: error.message }));
      } else if (service!.protocol === 'json') {
        const text = JSON.stringify({ __type: error.jsonType ?? error.code, message: error.message });
        response.writeHead(error.status, {
          'content-type': `application/x-amz-json-${service!.jsonVersion}`,
          'x-amzn-requestid': requestId,
          'content-length': Buffer.byteLength(text),
          // A query-compatible service says the query protocol's code too: the SDK and botocore name the error by it.
          ...(service!.queryCompatible ? { 'x-amzn-query-error': `${error.code};${error.fault}` } : {}),
        });
        response.end(text);
      } else if (service!.protocol === 'ec2') {
        sendXml(response, error.status, `<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`);
      } else {
        sendXml(
          response,
          error.status,
          `<ErrorResponse xmlns="${service!.xmlNamespace}"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      }
      finish({ service: serviceName, action: actionName, region: scope!.region, status: error.status, ...(faultName ? { fault: faultName } : {}) });
    }

    if (fault?.kind === 'hang') {
      finish({ service: serviceName, action: actionName, region: scope.region, status: 0, fault: 'hang' });
      return; // The socket stays open until the client gives up or close() destroys it.
    }
    if (fault?.kind === 'html') {
      // What a forward proxy or captive portal answers in place of the service: 200, an HTML page.
      const page = '<!DOCTYPE html><html><head><title>Access Denied</title></head><body><h1>Access Denied</h1><p>The request was blocked by the proxy policy.</p></body></html>';
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
      response.end(page);
      return finish({ service: serviceName, action: actionName, region: scope.region, status: 200, fault: 'html' });
    }
    if (fault && fault.kind !== 'garbage' && fault.kind !== 'truncated') {
      return answerError(injectedError(fault, service, serviceName, actionName), fault.kind);
    }
    if (!operation) {
      return answerError(
        service.protocol === 'rest-json' || service.protocol === 'json'
          ? new AwsApiError('UnknownOperationException', `No operation matches ${service.protocol === 'json' ? actionName : `${request.method} ${url.pathname}`}`, service.protocol === 'json' ? 400 : 404)
          : new AwsApiError('InvalidAction', `The action ${actionName} is not valid for this web service.`, 400),
      );
    }
    if ((service.protocol === 'ec2' || service.protocol === 'query') && new URLSearchParams(request.method === 'POST' ? body.toString('utf8') : url.search).get('Version') !== service.version) {
      return answerError(new AwsApiError('InvalidParameterValue', `Version must be ${service.version}`, 400));
    }
    const handler = service.handlers[actionName];
    if (!handler) {
      // The mock serves only reads; a mutating action (or one eks-doctor never calls) is refused.
      return answerError(
        service.protocol === 'ec2'
          ? new AwsApiError('UnsupportedOperation', `The AWS mock does not implement ${actionName}.`, 400)
          : new AwsApiError(service.protocol === 'rest-json' || service.protocol === 'json' ? 'InvalidRequestException' : 'InvalidAction', `The AWS mock does not implement ${actionName}.`, 400),
      );
    }

    let output: Record<string, unknown>;
    try {
      const context: HandlerContext = { region: scope.region, world, ...(options.maxPageSize !== undefined ? { maxPageSize: options.maxPageSize } : {}) };
      output = handler(input, context);
    } catch (error) {
      if (error instanceof AwsApiError) return answerError(error);
      throw error;
    }

    const requestId = randomUUID();
    let text: string;
    let contentType: string;
    if (service.protocol === 'rest-json') {
      text = JSON.stringify(toWireJson(operation.output, output) ?? {});
      contentType = 'application/json';
    } else if (service.protocol === 'json') {
      // AWS JSON ignores jsonName: members go by their model names.
      text = JSON.stringify(toWireJson(operation.output, output, { jsonNames: false }) ?? {});
      contentType = `application/x-amz-json-${service.jsonVersion}`;
    } else {
      text = xmlEnvelope(service, actionName, writeXmlMembers(operation.output, output, service.protocol === 'ec2' ? 'ec2' : ('query' satisfies XmlFlavor)), requestId);
      contentType = 'text/xml;charset=UTF-8';
    }
    if (fault?.kind === 'garbage') text = service.protocol === 'rest-json' || service.protocol === 'json' ? '{"clusters": [oops' : '<<<this is not XML>>>';
    if (fault?.kind === 'truncated') text = text.slice(0, Math.floor(text.length / 2));
    response.writeHead(operation.http?.status ?? 200, { 'content-type': contentType, 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(text) });
    response.end(text);
    finish({ service: serviceName, action: actionName, region: scope.region, status: operation.http?.status ?? 200, ...(fault ? { fault: fault.kind } : {}) });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    setFaults(rules) {
      faults.set([...rules, ...recorded]);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The region and service a request was signed for: from the Authorization header, or a presigned URL. */
export function credentialScope(request: IncomingMessage, url: URL): { accessKeyId: string; region: string; service: string } | undefined {
  const header = request.headers.authorization ?? '';
  const credential = /Credential=([^,\s]+)/.exec(header)?.[1] ?? url.searchParams.get('X-Amz-Credential') ?? undefined;
  if (!credential) return undefined;
  const [accessKeyId, , region, service] = credential.split('/');
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, region, service };
}

function findRestOperation(operations: Map<string, OperationModel>, method: string, path: string): { operation: OperationModel; labels: Record<string, string> } | undefined {
  for (const operation of operations.values()) {
    if (!operation.http || operation.http.method !== method) continue;
    const labels = matchPath(operation.http.path, path);
    if (labels) return { operation, labels };
  }
  return undefined;
}

function xmlEnvelope(service: ServiceProtocol, action: string, members: string, requestId: string): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (service.protocol === 'ec2') {
    return `${head}<${action}Response xmlns="${service.xmlNamespace}"><requestId>${requestId}</requestId>${members}</${action}Response>`;
  }
  return `${head}<${action}Response xmlns="${service.xmlNamespace}"><${action}Result>${members}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

function sendXml(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(xml) });
  response.end(xml);
}

/**
 * The error each protocol really answers for an injected fault. A query-compatible JSON service
 * (CloudWatch) answers its query codes in x-amzn-query-error and a JSON type in the body.
 */
function injectedError(fault: FaultRule, service: ServiceProtocol, iamService: string, action: string): AwsApiError {
  const { protocol } = service;
  const iamAction = `${iamService}:${action}`;
  const json = protocol === 'rest-json' || (protocol === 'json' && !service.queryCompatible);
  const compatible = (code: string, message: string, status: number, jsonType: string) => Object.assign(new AwsApiError(code, message, status), { jsonType });
  switch (fault.kind) {
    case 'throttle':
      if (protocol === 'ec2') return new AwsApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      // Service Quotas' own throttling error (TooManyRequestsException) is a 400; EKS's a 429.
      if (protocol === 'json' && !service.queryCompatible) return new AwsApiError(service.throttlingCode ?? 'TooManyRequestsException', 'Rate exceeded', 400);
      if (json) return new AwsApiError('ThrottlingException', 'Rate exceeded', 429);
      if (protocol === 'json') return compatible('Throttling', 'Rate exceeded', 400, 'ThrottlingException');
      return new AwsApiError('Throttling', 'Rate exceeded', 400);
    case 'denied': {
      const message = `User: arn:aws:iam::111122223333:user/eks-doctor-mock is not authorized to perform: ${iamAction} because no identity-based policy allows the ${iamAction} action`;
      if (protocol === 'ec2') return new AwsApiError('UnauthorizedOperation', `You are not authorized to perform this operation. ${message}`, 403);
      if (json) return new AwsApiError('AccessDeniedException', message, 403);
      if (protocol === 'json') return compatible('AccessDenied', message, 403, 'com.amazon.coral.service#AccessDeniedException');
      return new AwsApiError('AccessDenied', message, 403);
    }
    case 'server-error': {
      const status = fault.status ?? 500;
      if (protocol === 'ec2') return new AwsApiError(status === 503 ? 'Unavailable' : 'InternalError', 'An internal error has occurred', status);
      if (protocol === 'json' && !service.queryCompatible) return new AwsApiError(status === 503 ? 'ServiceUnavailableException' : (service.serverErrorCode ?? 'ServiceException'), 'An internal error has occurred', status);
      if (protocol === 'rest-json') return new AwsApiError(status === 503 ? 'ServiceUnavailableException' : 'ServerException', 'An internal error has occurred', status);
      if (protocol === 'json') return compatible(status === 503 ? 'ServiceUnavailable' : 'InternalFailure', 'An internal error has occurred', status, 'InternalServiceFault');
      return new AwsApiError(status === 503 ? 'ServiceUnavailable' : 'InternalFailure', 'An internal error has occurred', status, 'Receiver');
    }
    default:
      throw new Error(`fault ${fault.kind} is not an error answer`);
  }
}
