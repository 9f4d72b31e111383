/**
 * Step annotations (user_annotation events) and what wrote them:
 *  - torch's profiler schedule: `ProfilerStep#6`;
 *  - vLLM's worker: `execute_context_1(888_788544)_generation_0(0)` (contexts and generations of the
 *    batch); SGLang writes a similar `execute_15360_context_15(...)_generation_0(...)`;
 *  - SGLang's scheduler: `step[EXTEND bs=15 toks=15360]`, `step[DECODE bs=... ]`.
 */
export type StepKind = 'profiler' | 'execute' | 'sglang';

export const STEP_KIND_LABEL: Record<StepKind, string> = {
  profiler: 'torch profiler steps (ProfilerStep#N)',
  execute: 'engine model executions (execute_…context…generation…)',
  sglang: 'SGLang scheduler steps (step[MODE bs=… toks=…])',
};

export function stepKind(name: string): StepKind | undefined {
  if (/^ProfilerStep#\d+$/.test(name)) return 'profiler';
  if (/^execute_(\d+_)?context_\d+\(.*\)_generation_\d+\(/.test(name)) return 'execute';
  if (/^step\[[A-Z_]+( |\])/.test(name)) return 'sglang';
  return undefined;
}
