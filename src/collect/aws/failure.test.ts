import { describe, expect, it } from 'vitest';
import { classifyAwsError } from './failure.js';

const context = { deadlineExceeded: false, deadlineSeconds: 120 };
const sdkError = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('classifyAwsError', () => {
  it.each([
    ['UnauthorizedOperation', 'ec2:DescribeSubnets'],
    ['AccessDenied', 'iam:GetRole'],
    ['AccessDeniedException', 'eks:ListAddons'],
  ])('%s is a denial naming the IAM action to grant', (name, call) => {
    expect(classifyAwsError(sdkError(name, { $metadata: { httpStatusCode: 403 } }), 'aws.subnets', call, context)).toMatchObject({ kind: 'denied', code: name, permission: call, httpStatus: 403 });
  });

  it.each(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException'])('%s past the retries is throttled', (name) => {
    expect(classifyAwsError(sdkError(name), 'aws.subnets', 'ec2:DescribeSubnets', context).kind).toBe('throttled');
  });

  it('a timed-out attempt says how many attempts it made', () => {
    const failure = classifyAwsError(sdkError('TimeoutError', { code: 'ETIMEDOUT', $metadata: { attempts: 4 } }), 'aws.subnets', 'ec2:DescribeSubnets', context);
    expect(failure).toMatchObject({ kind: 'timeout', code: 'ETIMEDOUT' });
    expect(failure.message).toMatch(/after 4 attempts/);
  });

  it('the overall deadline wins over whatever the aborted call threw', () => {
    const failure = classifyAwsError(sdkError('AbortError'), 'aws.iamRoles', 'iam:GetRole', { deadlineExceeded: true, deadlineSeconds: 30 });
    expect(failure).toMatchObject({ kind: 'timeout', code: 'DeadlineExceeded' });
    expect(failure.message).toContain('30s (--timeout)');
  });

  it('an unparseable body is an invalid response, unless it is an emulator 404 page for an API it lacks', () => {
    const garbled = sdkError('SyntaxError', { message: 'Unexpected token < in JSON', $metadata: { httpStatusCode: 200 } });
    expect(classifyAwsError(garbled, 'aws.insights', 'eks:ListInsights', context).kind).toBe('invalid-response');
    const missing = sdkError('SyntaxError', { message: 'Unexpected token < in JSON', $metadata: { httpStatusCode: 404 } });
    expect(classifyAwsError(missing, 'aws.insights', 'eks:ListInsights', context)).toMatchObject({ kind: 'other', code: 'HTTP 404' });
  });

  it('connection failures, bad credentials and 5xx have their own kinds', () => {
    expect(classifyAwsError(sdkError('Error', { code: 'ECONNREFUSED' }), 'aws.vpcs', 'ec2:DescribeVpcs', context).kind).toBe('unreachable');
    expect(classifyAwsError(sdkError('ExpiredToken'), 'aws.vpcs', 'ec2:DescribeVpcs', context).kind).toBe('unauthorized');
    expect(classifyAwsError(sdkError('InternalError', { $fault: 'server', $metadata: { httpStatusCode: 500 } }), 'aws.vpcs', 'ec2:DescribeVpcs', context).kind).toBe('server-error');
  });
});
