/**
 * Issue 16's fault matrix, AWS side: every action of policy/iam-policy.json denied, answered with a
 * proxy's HTML page, and throttled twice, on a scenario where its data matters. The rules are in
 * test/support/fault-matrix.ts.
 */
import { faultMatrix } from './support/fault-matrix-suite.js';

await faultMatrix('aws');
