/**
 * EC2's running-instance vCPU quotas (Service Quotas, service code `ec2`): which quota an instance
 * type counts against, On-Demand and Spot. EC2 counts running vCPUs per instance class, not per
 * type; the class is the family's leading letters ("Running On-Demand Standard (A, C, D, H, I, M,
 * R, T, Z) instances", "All G and VT Spot Instance Requests", ...). No API maps a type to its quota,
 * so the table is written down here: from the EC2 page of the Service Quotas console and the EC2
 * User Guide's "Spot Instance quotas" (the same table as Zuul nodepool's AWS driver, which matches
 * the family's letters up to the first digit, "u-" for High Memory). Shared by the collector (which
 * quotas to read) and the quota-headroom check (which quota a group's launches count against).
 */

export type PurchaseOption = 'on-demand' | 'spot';

export interface VcpuQuotaClass {
  /** As the quota names it: 'Standard (A, C, D, H, I, M, R, T, Z)', 'G and VT'. */
  name: string;
  onDemand: string;
  /** High Memory instances have no Spot quota: they are not offered as Spot. */
  spot?: string;
}

export const EC2_SERVICE_CODE = 'ec2';

const STANDARD: VcpuQuotaClass = { name: 'Standard (A, C, D, H, I, M, R, T, Z)', onDemand: 'L-1216C47A', spot: 'L-34B43A08' };
const G_AND_VT: VcpuQuotaClass = { name: 'G and VT', onDemand: 'L-DB2E81BA', spot: 'L-3819A6DF' };

/** By the family's leading letters. */
const CLASSES: Readonly<Record<string, VcpuQuotaClass>> = {
  a: STANDARD,
  c: STANDARD,
  d: STANDARD,
  h: STANDARD,
  i: STANDARD,
  m: STANDARD,
  r: STANDARD,
  t: STANDARD,
  z: STANDARD,
  g: G_AND_VT,
  vt: G_AND_VT,
  p: { name: 'P', onDemand: 'L-417A185B', spot: 'L-7212CCBC' },
  x: { name: 'X', onDemand: 'L-7295265B', spot: 'L-E3A00192' },
  f: { name: 'F', onDemand: 'L-74FC7D96', spot: 'L-88CF9481' },
  inf: { name: 'Inf', onDemand: 'L-1945791B', spot: 'L-B5D1601B' },
  dl: { name: 'DL', onDemand: 'L-6E869C2A', spot: 'L-85EED4F7' },
  trn: { name: 'Trn', onDemand: 'L-2C3B7624', spot: 'L-6B0D517C' },
  hpc: { name: 'HPC', onDemand: 'L-F7808C92' },
  'u-': { name: 'High Memory', onDemand: 'L-43DA4232' },
};

/**
 * The quota class of an instance type ('c6i.2xlarge' -> Standard, 'g5.xlarge' -> G and VT,
 * 'inf2.xlarge' -> Inf, 'u-6tb1.metal' and 'u7i-12tb.224xlarge' -> High Memory); undefined for a
 * type no running-instance vCPU quota covers (Mac instances run on Dedicated Hosts) or not known here.
 */
export function vcpuQuotaClass(instanceType: string): VcpuQuotaClass | undefined {
  const type = instanceType.toLowerCase();
  if (/^u[\d-]/.test(type)) return CLASSES['u-'];
  const letters = /^([a-z]+)\d/.exec(type)?.[1];
  if (!letters || letters === 'mac') return undefined;
  // 'inf', 'trn', 'dl', 'vt', 'hpc' are classes of their own; 'im4gn', 'is4gen', 'gr6' belong to their first letter's.
  return CLASSES[letters] ?? CLASSES[letters[0]!];
}

/** The quota code an instance type's launches count against, for this purchase option. */
export function vcpuQuotaCode(instanceType: string, purchase: PurchaseOption): string | undefined {
  const quotaClass = vcpuQuotaClass(instanceType);
  return purchase === 'spot' ? quotaClass?.spot : quotaClass?.onDemand;
}

/** Every quota code of the table with its class and purchase option. */
export function describeVcpuQuota(code: string): { quotaClass: VcpuQuotaClass; purchase: PurchaseOption } | undefined {
  for (const quotaClass of new Set(Object.values(CLASSES))) {
    if (quotaClass.onDemand === code) return { quotaClass, purchase: 'on-demand' };
    if (quotaClass.spot === code) return { quotaClass, purchase: 'spot' };
  }
  return undefined;
}

/** The quotas every run reads: most clusters launch Standard instances, On-Demand or Spot. */
export const ALWAYS_READ_VCPU_QUOTAS: readonly string[] = [STANDARD.onDemand, STANDARD.spot!];
