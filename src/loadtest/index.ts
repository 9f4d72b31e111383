export { randomPrompts, sharegptPrompts, type PromptSpec } from './dataset.js';
export { servedModel } from './preflight.js';
export { runLoad, type LoadOptions, type LoadRun } from './run.js';
export { loadResult, type GoodputSlo, type LoadResult } from './result.js';
export { formatCrossCheck, formatLoadText } from './format.js';
export { ALLOWANCE, crossCheck, type Check } from './compare.js';
export { difference, ServerView } from './server.js';
export type { Endpoint, RequestResult } from './request.js';
