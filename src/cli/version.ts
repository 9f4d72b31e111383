/** Replaced at build time from package.json (see build.mjs); the fallback serves tests run from source. */
declare const __CVM_VERSION__: string | undefined;
export const VERSION: string = typeof __CVM_VERSION__ === 'string' ? __CVM_VERSION__ : '0.0.0-dev';
