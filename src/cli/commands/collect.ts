import { writeFile } from 'node:fs/promises';
import { KUBERNETES_READS } from '../../collect/kubernetes/collect-kubernetes.js';
import { AWS_PARTS, planFromParts } from '../../collect/plan.js';
import { redactSnapshot } from '../../snapshot/redact.js';
import type { SnapshotPart } from '../../snapshot/types.js';
import { REDACT_OPTION, snapshotText } from '../bundle-options.js';
import { UserError } from '../../user-error.js';
import { stringValue, type CommandSpec } from '../command.js';
import { collectLive } from '../live-collection.js';
import { checkLiveInputs } from '../input-checks.js';
import { LIVE_OPTIONS, liveSettings } from '../live-settings.js';
import { maybeTraced, TRACE_OPTION, traceWriter } from '../trace-option.js';
import { inSpan, NO_TRACE, PHASE } from '../../trace/tracer.js';

export const collectCommand: CommandSpec = {
  name: 'collect',
  summary: 'Read a live cluster (read-only) and save everything the checks use as a snapshot file.',
  usage: 'eks-doctor collect --cluster NAME --out FILE [--region REGION] [--profile NAME] [--endpoint-url URL]',
  description:
    'The snapshot holds the AWS side of the cluster (see docs/aws.md for the calls made and the IAM policy they need) and the Kubernetes side (docs/kubernetes.md: the reads made and the ClusterRole they need). ' +
    'Analyse it later, or elsewhere, with `eks-doctor diagnose --snapshot FILE`. Failed calls are recorded in the file, not fatal.',
  options: [{ name: 'out', type: 'string', valueName: 'FILE', description: 'Where to write the snapshot ("-" for stdout)' }, REDACT_OPTION, ...LIVE_OPTIONS, TRACE_OPTION],
  examples: [
    'eks-doctor collect --cluster shop-prod --region eu-west-1 --out shop-prod.json',
    'eks-doctor collect --cluster demo --endpoint-url http://127.0.0.1:4566 --out demo.json',
    'eks-doctor collect --cluster shop-prod --out shop-prod.json --trace collect-trace.json',
  ],
  async run(args, io) {
    const live = liveSettings(args);
    const settings = live ? { ...live, redact: args.values.redact === true } : undefined;
    if (!settings) throw new UserError('collect needs a cluster', 'Give --cluster NAME (and --region if AWS_REGION is not set).');
    await checkLiveInputs(settings, io);
    const out = stringValue(args.values.out);
    if (!out) throw new UserError('collect needs --out FILE', 'Give the file to write, or --out - for stdout.');
    const trace = traceWriter(args, 'collect', io, { 'eks_doctor.cluster': settings.clusterName, ...(settings.region ? { 'aws.region': settings.region } : {}) });
    // The whole support bundle: every AWS part and every Kubernetes part any check reads.
    const parts: SnapshotPart[] = [...AWS_PARTS.map((p) => `aws.${p}` as const), 'kubernetes.apiServer', ...Object.keys(KUBERNETES_READS).map((k) => `kubernetes.${k}` as SnapshotPart)];
    const snapshot = await maybeTraced(trace, async (tracer) => {
      const collected = await collectLive(settings, planFromParts(parts), io, undefined, tracer);
      // The bundle written is this command's rendering.
      return inSpan(tracer ?? NO_TRACE, PHASE.render, async () => {
        const snapshot = settings.redact ? redactSnapshot(collected) : collected;
        const text = snapshotText(snapshot);
        if (out === '-') io.stdout.write(text);
        else {
          try {
            await writeFile(out, text);
          } catch (error) {
            throw new UserError(`cannot write ${out}: ${(error as Error).message}`);
          }
        }
        return snapshot;
      });
    });
    const awsParts = Object.keys(snapshot.aws).filter((k) => k !== 'notFound').length;
    const kubernetesParts = Object.keys(snapshot.kubernetes).filter((k) => k !== 'apiServer').length;
    const access = snapshot.kubernetes.apiServer;
    const kubernetesNote = access && !access.reachable ? ` (API server not read: ${access.failure?.kind ?? 'unknown'}: ${access.failure?.message ?? ''})` : '';
    io.stderr.write(
      `eks-doctor: ${out === '-' ? 'wrote' : `wrote ${out}:`} ${awsParts} AWS and ${kubernetesParts} Kubernetes parts of ${snapshot.cluster.name} (${snapshot.cluster.region})${kubernetesNote}${snapshot.errors.length > 0 ? `, ${snapshot.errors.length} failed calls:` : ''}\n`,
    );
    for (const e of snapshot.errors) io.stderr.write(`  ${e.call} ${e.kind} (${e.code})${e.permission ? `: grant ${e.permission}` : ''}\n`);
    return 0;
  },
};
