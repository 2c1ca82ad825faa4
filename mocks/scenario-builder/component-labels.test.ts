/**
 * The baseline's add-on pods carry the labels the real add-ons run with: the selectors the checks use
 * (ADDON_WORKLOADS) find exactly the pods of the add-on's DaemonSets and Deployments, and each of those
 * selects its own pods by its spec.selector.
 */
import { describe, expect, it } from 'vitest';
import { ADDON_WORKLOADS } from '../../src/domain/eks-constants.js';
import { buildBaseline } from './baseline.js';

describe('add-on pod labels in the baseline', () => {
  const s = buildBaseline();
  const pods = s.kubernetes.kubeSystemPods ?? [];
  const owner = (p: (typeof pods)[number]) => p.metadata?.ownerReferences?.[0]?.name ?? '';

  for (const addon of (s.aws.addons ?? []).map((a) => a.addonName!)) {
    it(`${addon}: its podSelector finds the pods of its workloads and no others`, () => {
      const workloads = ADDON_WORKLOADS[addon]!;
      const [key, value] = workloads.podSelector.split('=') as [string, string];
      const selected = pods.filter((p) => p.metadata?.labels?.[key] === value).map((p) => p.metadata!.name!).sort();
      const names = [...(workloads.daemonSets ?? []), ...(workloads.deployments ?? [])];
      const owned = pods.filter((p) => names.some((n) => owner(p) === n || owner(p).startsWith(`${n}-`))).map((p) => p.metadata!.name!).sort();
      expect(owned.length).toBeGreaterThan(0);
      expect(selected).toEqual(owned);
    });
  }

  // The baseline lists no cluster-autoscaler pod (its Deployment is there for the autoscaler checks).
  for (const workload of [...(s.kubernetes.daemonSets ?? []), ...(s.kubernetes.deployments ?? [])].filter((w) => w.metadata?.name !== 'cluster-autoscaler')) {
    it(`${workload.metadata!.name}: its selector matches its pods and its pod template`, () => {
      const selector = Object.entries(workload.spec!.selector!.matchLabels!);
      const name = workload.metadata!.name!;
      const own = pods.filter((p) => owner(p) === name || owner(p).startsWith(`${name}-`));
      expect(own.length).toBeGreaterThan(0);
      for (const p of own) for (const [k, v] of selector) expect(p.metadata!.labels![k], `${p.metadata!.name} ${k}`).toBe(v);
      for (const [k, v] of selector) expect(workload.spec!.template!.metadata!.labels![k]).toBe(v);
      // No other component's pods fall under it.
      expect(pods.filter((p) => selector.every(([k, v]) => p.metadata?.labels?.[k] === v)).length).toBe(own.length);
    });
  }
});
