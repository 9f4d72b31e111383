/** The profile feature: summarising traces (summarize), and driving an engine's profiler (live). */
export { summarizeTraces, type ProfileReport } from './report.js';
export { formatText } from './format-text.js';
export { formatHtml } from './format-html.js';
export type { DeviceSummary, KernelRow, TraceSummary } from './summarize.js';
