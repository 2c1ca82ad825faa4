/**
 * Issue 16's fault matrix, Kubernetes side: every resource of policy/clusterrole.yaml forbidden
 * (403), answered with a proxy's HTML page, and throttled (429, Retry-After: 1) twice, on a scenario
 * where its data matters. The rules are in test/support/fault-matrix.ts.
 */
import { faultMatrix } from './support/fault-matrix-suite.js';

await faultMatrix('kubernetes');
