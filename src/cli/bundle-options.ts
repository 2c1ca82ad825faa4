/**
 * --save-snapshot and --redact: what a report command keeps of the snapshot it diagnosed, and
 * whether what it shows and keeps may be shared. One Redactor per command run, so the report and
 * the saved bundle use the same placeholders.
 */
import { writeFile } from 'node:fs/promises';
import { historyRedactionKey } from '../audit/history.js';
import { withChanges, type SnapshotChanges } from '../enrich/snapshot-changes.js';
import { redactChanges, Redactor, redactSnapshot } from '../snapshot/redact.js';
import type { Snapshot } from '../snapshot/types.js';
import { UserError } from '../user-error.js';
import { stringValue, type OptionSpec, type ParsedArgs } from './command.js';

export const SAVE_SNAPSHOT_OPTION: OptionSpec = {
  name: 'save-snapshot',
  type: 'string',
  valueName: 'FILE',
  description: 'Also save the snapshot diagnosed (a support bundle; `diagnose --snapshot FILE` reads it back)',
};

export const REDACT_OPTION: OptionSpec = {
  name: 'redact',
  type: 'boolean',
  description: 'Replace account IDs, IP addresses, host names and ARN account parts, consistently, in the report and the saved snapshot',
};

export interface BundleSettings {
  saveTo?: string;
  redact: boolean;
  /** With --history: the history's redaction key, so pseudonyms (and finding keys) stay the same across runs. */
  redactionKey?: Buffer;
}

export function bundleSettings(args: ParsedArgs): BundleSettings {
  const saveTo = stringValue(args.values['save-snapshot']);
  const redact = args.values.redact === true;
  const history = stringValue(args.values.history);
  return { ...(saveTo ? { saveTo } : {}), redact, ...(redact && history !== undefined ? { redactionKey: historyRedactionKey(history) } : {}) };
}

export function snapshotText(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

/**
 * What the command should diagnose and show: the snapshot, redacted when asked, and saved when
 * asked. `withChanges` adds what the enrichment pass collected to a snapshot already kept: the
 * additions redacted with the same pseudonyms, and the bundle saved again with them.
 */
export interface BundleKeeper {
  (snapshot: Snapshot): Promise<Snapshot>;
  withChanges(kept: Snapshot, changes: SnapshotChanges): Promise<Snapshot>;
}

export function bundleKeeper(settings: BundleSettings): BundleKeeper {
  const redactor = settings.redact ? new Redactor(settings.redactionKey) : undefined;
  const save = async (kept: Snapshot) => {
    if (!settings.saveTo) return kept;
    try {
      await writeFile(settings.saveTo, snapshotText(kept));
    } catch (error) {
      throw new UserError(`cannot write the snapshot to ${settings.saveTo}: ${(error as Error).message}`);
    }
    return kept;
  };
  const keep = (snapshot: Snapshot) => save(redactor ? redactSnapshot(snapshot, redactor) : snapshot);
  return Object.assign(keep, { withChanges: (kept: Snapshot, changes: SnapshotChanges) => save(withChanges(kept, redactor ? redactChanges(changes, redactor) : changes)) });
}
