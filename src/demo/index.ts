/** Emulated vLLM / SGLang engines and GPU exporters, for demos and tests. */
export { startEmulator, unsupported, EMULATOR_KINDS, EMULATOR_STATES, type Emulator, type EmulatorKind, type EmulatorOptions, type EmulatorState, type EngineFaults } from './emulator.js';
export { pythonFloat, goFloat, pythonRepr, dcgmValue } from '../engines/number-format.js';
