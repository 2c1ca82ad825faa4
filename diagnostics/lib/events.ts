/**
 * The checks' view of events. The reader itself lives in src/domain/kubernetes-events.ts because the
 * collector needs it too (it picks the crash-looping pods to read from the kubelet's BackOff events);
 * checks keep importing it from here.
 */
export * from '../../src/domain/kubernetes-events.js';
