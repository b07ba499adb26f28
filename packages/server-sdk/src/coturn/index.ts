export { createCoturnAdapter } from './adapter.js';
export type { CoturnAdapter, CoturnAdapterOptions } from './adapter.js';
export { AllocationTracker, COTURN_ALLOCATION_PATTERN, MAX_TRACKED_ALLOCATIONS, parseCoturnMessage } from './allocations.js';
export type { CoturnMessage } from './allocations.js';
