/**
 * AWS region names: their form, which ones the AWS SDK's partition data knows, and the opt-in
 * regions (disabled for an account until enabled: from memory of the AWS Account Management guide,
 * "Specify which AWS Regions your account can use"). Used to tell a mistyped --region from a real one
 * before any call, and to explain STS refusing an opt-in region the account has not enabled.
 */
import { closestNames } from '../user-error.js';

/** 'eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5', 'us-isob-east-1'. */
const REGION_FORM = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function isRegionForm(region: string): boolean {
  return REGION_FORM.test(region);
}

export const OPT_IN_REGIONS: ReadonlySet<string> = new Set([
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
]);

interface PartitionsInfo {
  partitions: { regions: Record<string, unknown> }[];
}

/**
 * Every region of the SDK's partition data (partitions.json, which the endpoint resolver uses), or
 * undefined when this SDK build does not ship it where expected: then no region is called unknown.
 */
export async function knownRegions(): Promise<string[] | undefined> {
  try {
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    // @aws-sdk/core exports partition() but not the region list; the list is its partitions.js.
    const root = dirname(createRequire(import.meta.url).resolve('@aws-sdk/core/package.json'));
    const module = (await import(pathToFileURL(join(root, 'dist-es', 'submodules', 'client', 'util-endpoints', 'lib', 'aws', 'partitions.js')).href)) as { partitionsInfo?: PartitionsInfo };
    const regions = module.partitionsInfo?.partitions.flatMap((p) => Object.keys(p.regions).filter((r) => isRegionForm(r)));
    return regions && regions.length > 0 ? regions : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the SDK's partition data lists the region (its endpoints are then known to exist). */
export async function isKnownRegion(region: string): Promise<boolean> {
  const { partition } = await import('@aws-sdk/core/client');
  // partition() adds a region's own entry (its description) for every region of its data; a name it
  // only matches by the partition's pattern gets the partition's outputs alone.
  return (partition(region) as { description?: string }).description !== undefined;
}

/** The known regions closest to a mistyped one ('eu-wset-1' -> ['eu-west-1']). */
export async function closestRegions(region: string): Promise<string[]> {
  const known = await knownRegions();
  return known ? closestNames(region, known, 2) : [];
}
