import { defineFaults } from '../scenario-builder/fault.js';

/** Kept so the folder always exports at least one module; faults live in files named by area. */
export const faults = defineFaults([]);
