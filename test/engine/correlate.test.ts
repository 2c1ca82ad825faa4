import { describe, expect, it } from 'vitest';
import { correlate, isRootCause } from '../../src/engine/correlate.js';
import { defineDiagnostic, type Diagnostic, type FindingCode } from '../../src/engine/diagnostic.js';
import type { Finding } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/run-checks.js';

function finding(partial: Partial<Finding> & Pick<Finding, 'key' | 'check'>): Finding {
  return {
    id: `${partial.check}/x`,
    severity: 'warning',
    title: partial.key,
    rootCause: 'r',
    evidence: ['e'],
    resources: [],
    fix: { summary: 's', commands: [], docs: [] },
    explains: [],
    explainedBy: [],
    ...partial,
  };
}

const result = (id: string, status: CheckResult['status'], reason?: string): CheckResult => ({ id, title: id, status, durationMs: 0, findings: 0, ...(reason ? { reason } : {}) });

/** A check titled by its id with one code, `x`. */
const checkWithCode = (id: string, code: Omit<FindingCode, 'title' | 'description'>): Diagnostic =>
  defineDiagnostic({ id, title: id, description: id, docs: ['https://x'], needs: [], codes: { x: { title: 't', description: 'd', ...code } }, check: () => [] });
const causeCheck = (id: string): Diagnostic => checkWithCode(id, { severity: 'critical', explains: ['instance-not-joined'] });

describe('correlate', () => {
  const symptomA = finding({ key: 'sym:i-a', check: 'reg', symptom: 'instance-not-joined', resources: [{ type: 'aws:ec2:instance', id: 'i-a' }] });
  const symptomB = finding({ key: 'sym:i-b', check: 'reg', symptom: 'instance-not-joined', resources: [{ type: 'aws:ec2:instance', id: 'i-b' }] });

  it('links a scoped cause only to symptoms that share a resource id', () => {
    const cause = finding({ key: 'cause:role', check: 'auth', severity: 'critical', canExplain: [{ symptom: 'instance-not-joined', resources: [{ type: 'aws:ec2:instance', id: 'i-a' }] }] });
    const out = correlate([symptomA, symptomB, cause], [], []);
    expect(out.find((f) => f.key === 'cause:role')!.explains).toEqual(['sym:i-a']);
    expect(out.find((f) => f.key === 'sym:i-a')!.explainedBy).toEqual(['cause:role']);
    expect(out.find((f) => f.key === 'sym:i-b')!.explainedBy).toEqual([]);
  });

  it('links an unscoped cause to every symptom of its kind, and never to other kinds', () => {
    const other = finding({ key: 'sym:lb', check: 'lb', symptom: 'loadbalancer-pending' });
    const cause = finding({ key: 'cause:nat', check: 'routes', canExplain: [{ symptom: 'instance-not-joined' }] });
    const out = correlate([symptomA, symptomB, other, cause], [], []);
    expect(out.find((f) => f.key === 'cause:nat')!.explains.sort()).toEqual(['sym:i-a', 'sym:i-b']);
    expect(out.find((f) => f.key === 'sym:lb')!.explainedBy).toEqual([]);
  });

  it('puts root causes first, most explained first, then by severity and key', () => {
    const small = finding({ key: 'cause:a', check: 'c1', severity: 'critical', canExplain: [{ symptom: 'instance-not-joined', resources: [{ type: 'x', id: 'i-a' }] }] });
    const big = finding({ key: 'cause:b', check: 'c2', severity: 'warning', canExplain: [{ symptom: 'instance-not-joined' }] });
    const lone = finding({ key: 'aaa-lone', check: 'c3', severity: 'critical' });
    const out = correlate([lone, symptomA, small, symptomB, big], [], []);
    expect(out.map((f) => f.key)).toEqual(['cause:b', 'cause:a', 'aaa-lone', 'sym:i-a', 'sym:i-b']);
    expect(isRootCause(out[0]!)).toBe(true);
    expect(isRootCause(out[2]!)).toBe(false);
  });

  it('ranks by distinct symptoms reached: a symptom that restates another adds nothing to its cause', () => {
    // 'capacity' explains the ASG shortfall directly and through a node group health issue that
    // explains the same shortfall; 'quota' explains one shortfall. Both reach one end symptom, so
    // severity decides, not the extra restating link.
    const asgA = finding({ key: 'asg:a', check: 'reg', symptom: 'asg-capacity-shortfall', resources: [{ type: 'aws:autoscaling:group', id: 'a' }] });
    const asgB = finding({ key: 'asg:b', check: 'reg', symptom: 'asg-capacity-shortfall', resources: [{ type: 'aws:autoscaling:group', id: 'b' }] });
    const health = finding({
      key: 'ng:a',
      check: 'ng',
      symptom: 'nodegroup-unhealthy',
      severity: 'critical',
      resources: [{ type: 'aws:autoscaling:group', id: 'a' }],
      canExplain: [{ symptom: 'asg-capacity-shortfall', resources: [{ type: 'aws:autoscaling:group', id: 'a' }] }],
    });
    const capacity = finding({
      key: 'capacity:a',
      check: 'launch',
      severity: 'warning',
      canExplain: [
        { symptom: 'asg-capacity-shortfall', resources: [{ type: 'aws:autoscaling:group', id: 'a' }] },
        { symptom: 'nodegroup-unhealthy', resources: [{ type: 'aws:autoscaling:group', id: 'a' }] },
      ],
    });
    const quota = finding({ key: 'quota:b', check: 'launch', severity: 'critical', canExplain: [{ symptom: 'asg-capacity-shortfall', resources: [{ type: 'aws:autoscaling:group', id: 'b' }] }] });
    const out = correlate([capacity, health, asgA, asgB, quota], [], []);
    expect(out.find((f) => f.key === 'capacity:a')!.explains.sort()).toEqual(['asg:a', 'ng:a']);
    expect(out.filter(isRootCause).map((f) => f.key)).toEqual(['quota:b', 'capacity:a']);
  });

  it('still ranks a cause reaching more distinct symptoms first', () => {
    const wide = finding({ key: 'wide', check: 'c', severity: 'warning', canExplain: [{ symptom: 'instance-not-joined' }] });
    const narrow = finding({ key: 'narrow', check: 'c', severity: 'critical', canExplain: [{ symptom: 'instance-not-joined', resources: [{ type: 'aws:ec2:instance', id: 'i-a' }] }] });
    expect(correlate([narrow, wide, symptomA, symptomB], [], []).filter(isRootCause).map((f) => f.key)).toEqual(['wide', 'narrow']);
  });

  it('says what was ruled out and what could not be checked for a symptom with no cause', () => {
    const out = correlate([symptomA], [result('auth', 'pass'), result('routes', 'error', 'could not read route tables: denied'), result('other', 'pass')], [causeCheck('auth'), causeCheck('routes')]);
    expect(out[0]!.unexplained).toEqual({ ruledOut: ['auth'], couldNotCheck: [{ check: 'routes', reason: 'could not read route tables: denied' }] });
  });

  describe('tentative causes', () => {
    const tentativeCheck = checkWithCode('dns', { severity: 'warning', explains: ['instance-not-joined'], tentative: true });
    const likely = () => finding({ key: 'dns/x:vpc', check: 'dns', id: 'dns/x', canExplain: [{ symptom: 'instance-not-joined' }] });

    it('stay a warning root cause while they are the only explanation', () => {
      const out = correlate([symptomA, likely()], [], [tentativeCheck]);
      const cause = out.find((f) => f.key === 'dns/x:vpc')!;
      expect({ severity: cause.severity, explains: cause.explains, root: isRootCause(cause) }).toEqual({ severity: 'warning', explains: ['sym:i-a'], root: true });
    });

    it('become info and let go of their symptoms when a proven cause explains every one of them', () => {
      const proven = finding({ key: 'auth/x:role', check: 'auth', id: 'auth/x', severity: 'critical', canExplain: [{ symptom: 'instance-not-joined' }] });
      const out = correlate([symptomA, likely(), proven], [], [tentativeCheck, causeCheck('auth')]);
      const cause = out.find((f) => f.key === 'dns/x:vpc')!;
      expect({ severity: cause.severity, explains: cause.explains }).toEqual({ severity: 'info', explains: [] });
      expect(out.find((f) => f.key === 'sym:i-a')!.explainedBy).toEqual(['auth/x:role']);
    });

    it('stay when one of their symptoms has no proven cause', () => {
      const proven = finding({ key: 'auth/x:role', check: 'auth', id: 'auth/x', severity: 'critical', canExplain: [{ symptom: 'instance-not-joined', resources: [{ type: 'aws:ec2:instance', id: 'i-a' }] }] });
      const out = correlate([symptomA, symptomB, likely(), proven], [result('auth', 'fail')], [tentativeCheck, causeCheck('auth')]);
      expect(out.find((f) => f.key === 'dns/x:vpc')!).toMatchObject({ severity: 'warning', explains: ['sym:i-a', 'sym:i-b'] });
    });

    it('become info while another check that could explain their symptoms could not run', () => {
      const out = correlate([symptomA, likely()], [result('auth', 'error', 'denied')], [tentativeCheck, causeCheck('auth')]);
      expect(out.find((f) => f.key === 'dns/x:vpc')!).toMatchObject({ severity: 'info', explains: [] });
      expect(out.find((f) => f.key === 'sym:i-a')!.unexplained).toEqual({ ruledOut: [], couldNotCheck: [{ check: 'auth', reason: 'denied' }] });
    });

    it('are a note when there is nothing to explain', () => {
      expect(correlate([likely()], [], [tentativeCheck])[0]).toMatchObject({ severity: 'info', explains: [] });
    });
  });

  describe('a symptom whose every cause was ruled out', () => {
    const registration = checkWithCode('reg', { severity: 'critical', symptom: 'instance-not-joined', whenUnexplained: 'The kubelet could not bootstrap.' });
    const withClause = checkWithCode('acl', { severity: 'critical', explains: ['instance-not-joined'], ruledOut: 'the ACLs let nodes through' });
    const symptom = () => finding({ key: 'reg/x:asg', check: 'reg', id: 'reg/x', symptom: 'instance-not-joined', rootCause: 'No Node registered.' });

    it("gets the remaining explanation and what was ruled out: each cause's clause, else its check's title", () => {
      const out = correlate([symptom()], [result('acl', 'pass'), result('auth', 'fail')], [registration, withClause, causeCheck('auth')]);
      expect(out[0]!.rootCause).toBe('No Node registered. The kubelet could not bootstrap. Ruled out, by the checks that ran: the ACLs let nodes through; auth (auth).');
    });

    it('keeps to the facts while a check that could explain it did not run', () => {
      const out = correlate([symptom()], [result('acl', 'pass'), result('auth', 'error', 'denied')], [registration, withClause, causeCheck('auth')]);
      expect(out[0]!.rootCause).toBe('No Node registered.');
      expect(out[0]!.unexplained).toEqual({ ruledOut: ['acl'], couldNotCheck: [{ check: 'auth', reason: 'denied' }] });
    });

    it('keeps to the facts when a cause explains it', () => {
      const cause = finding({ key: 'acl/x:acl-1', check: 'acl', id: 'acl/x', canExplain: [{ symptom: 'instance-not-joined' }] });
      const out = correlate([symptom(), cause], [result('acl', 'fail')], [registration, withClause]);
      expect(out.find((f) => f.key === 'reg/x:asg')!.rootCause).toBe('No Node registered.');
    });
  });

  it('does not modify its input', () => {
    const cause = finding({ key: 'cause', check: 'c', canExplain: [{ symptom: 'instance-not-joined' }] });
    correlate([symptomA, cause], [], []);
    expect(symptomA.explainedBy).toEqual([]);
    expect(cause.explains).toEqual([]);
  });
});

describe('correlate: symptoms that account for others (SYMPTOM_LINKS)', () => {
  const coredns = finding({
    key: 'coredns',
    check: 'addon-health',
    severity: 'critical',
    symptom: 'coredns-unavailable',
    resources: [{ type: 'k8s:Deployment', id: 'kube-system/coredns' }, { type: 'k8s:Node', id: 'ip-10-0-1-10' }],
  });

  it("CoreDNS's unschedulable pods (same Deployment) explain it, and the taint behind them ranks first", () => {
    const pending = finding({ key: 'pending', check: 'unschedulable-pods', symptom: 'pod-unschedulable', resources: [{ type: 'k8s:Deployment', id: 'kube-system/coredns' }] });
    const taint = finding({ key: 'taint', check: 'node-taints', severity: 'critical', canExplain: [{ symptom: 'pod-unschedulable', resources: [{ type: 'k8s:Deployment', id: 'kube-system/coredns' }] }] });
    const out = correlate([coredns, pending, taint], [], []);
    expect(out.find((f) => f.key === 'coredns')!.explainedBy).toEqual(['pending']);
    expect(out.find((f) => f.key === 'pending')!.explains).toEqual(['coredns']);
    expect(out.filter(isRootCause).map((f) => f.key)).toEqual(['taint']);
    expect(out[0]!.key).toBe('taint');
  });

  it('a NotReady node explains it only when CoreDNS names that node; another workload on that node does not', () => {
    const notReady = finding({ key: 'nr', check: 'node-conditions', symptom: 'node-not-ready', resources: [{ type: 'k8s:Node', id: 'ip-10-0-1-10' }] });
    const elsewhere = finding({ key: 'nr2', check: 'node-conditions', symptom: 'node-not-ready', resources: [{ type: 'k8s:Node', id: 'ip-10-0-2-20' }] });
    const otherWorkload = finding({ key: 'cart', check: 'unschedulable-pods', symptom: 'pod-unschedulable', resources: [{ type: 'k8s:Deployment', id: 'shop/cart' }, { type: 'k8s:Node', id: 'ip-10-0-1-10' }] });
    const out = correlate([coredns, notReady, elsewhere, otherWorkload], [], []);
    expect(out.find((f) => f.key === 'coredns')!.explainedBy).toEqual(['nr']);
  });
});
