/** Engine and GPU-exporter knowledge: the catalog, normalised signals, detection. */
export * from './types.js';
export * from './catalog.js';
export * from './signals.js';
export { VLLM_V0, VLLM_V1_LEGACY, VLLM_V1, VLLM_FAMILIES, buckets125 } from './vllm.js';
export { SGLANG, SGLANG_LEGACY, SGLANG_GEN1, SGLANG_FAMILIES, underscoreName } from './sglang.js';
export { DCGM, DCGM_49, NVIDIA_SMI, AMD_DME, GPU_FAMILIES } from './gpu.js';
