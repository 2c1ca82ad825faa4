/**
 * Every AWS part of the snapshot, declared by service next to its collectors (services/*-parts.ts
 * beside services/*.ts): its progress label, the actions its collector calls and the other parts it
 * reads. The list of AWS parts derives from here; the declarations load no SDK, so planning a run
 * (and --help) stays cheap.
 */
import type { AwsPartDeclaration } from '../sources.js';
import type { AwsKey } from './collection.js';
import { AUTOSCALING_PARTS } from './services/autoscaling-parts.js';
import { CLOUDWATCH_PARTS } from './services/cloudwatch-parts.js';
import { CLOUDTRAIL_PARTS } from './services/cloudtrail-parts.js';
import { EC2_PARTS } from './services/ec2-parts.js';
import { ECR_PARTS } from './services/ecr-parts.js';
import { EKS_PARTS } from './services/eks-parts.js';
import { IAM_PARTS } from './services/iam-parts.js';
import { SERVICEQUOTAS_PARTS } from './services/servicequotas-parts.js';
import { STS_PARTS } from './services/sts-parts.js';

/** In the order snapshots list them (the order of AwsData): by service, as the services are listed here. */
export const AWS_PART_DECLARATIONS = { ...STS_PARTS, ...EKS_PARTS, ...AUTOSCALING_PARTS, ...EC2_PARTS, ...SERVICEQUOTAS_PARTS, ...CLOUDWATCH_PARTS, ...IAM_PARTS, ...ECR_PARTS, ...CLOUDTRAIL_PARTS } satisfies Record<AwsKey, AwsPartDeclaration>;

/** A part declared by no service, or declared but not a snapshot part, fails to compile here. */
const exactlyTheSnapshotParts: [Exclude<keyof typeof AWS_PART_DECLARATIONS, AwsKey>] extends [never] ? true : never = true;
void exactlyTheSnapshotParts;
