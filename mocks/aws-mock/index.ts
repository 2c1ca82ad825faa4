/** The AWS mock's public surface: start a server over snapshots, its credentials, its fault rules. */
export { MOCK_CREDENTIALS, startAwsMock, type AwsMock, type AwsMockOptions } from './server.js';
export type { FaultKind, FaultRule } from './faults.js';
export type { ClusterOverrides } from './services/eks.js';
