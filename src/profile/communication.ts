/**
 * Which GPU kernels are communication. Matching NCCL's names alone (HolisticTraceAnalysis'
 * `^nccl|^hip|^hccl|.*ncclKernel.*`) misses the collectives vLLM runs most on NVLink machines, so
 * the list also has:
 *  - torch symmetric memory (`torch/csrc/distributed/c10d/symm_mem/CUDASymmetricMemoryOps.cu`):
 *    `multimem_all_reduce_kernel`, `multimem_one_shot_all_reduce_kernel`, `one_shot_all_reduce_kernel`,
 *    `two_shot_all_reduce_kernel`, `multimem_all_gather_kernel`, ...
 *  - vLLM's custom all-reduce (`csrc/custom_all_reduce.cuh`): `cross_device_reduce_1stage/2stage`;
 *    its ROCm quick all-reduce (`csrc/quickreduce`), FlashInfer/TensorRT-LLM all-reduce fusion;
 *  - DeepEP's expert-parallel dispatch/combine (`deep_ep::`), RCCL/HCCL, MSCCL++.
 * A kernel whose args carry NCCL's `Collective name` is communication whatever its name.
 * Plain `reduce_kernel` or `gather_kernel` (compute on one GPU) must not match.
 */
const COMMUNICATION = /^nccl|ncclKernel|ncclDevKernel|rccl|^hccl|mscclpp|multimem_|one_shot_all_reduce|two_shot_all_reduce|cross_device_reduce|quickreduce|allreduce_fusion|custom_all_reduce|customAllReduce|lamport|deep_ep::/i;

export function isCommunication(name: string, args: Record<string, unknown> | undefined): boolean {
  return COMMUNICATION.test(name) || (args !== undefined && typeof args['Collective name'] === 'string');
}
