/** Template sources, imported as text (esbuild's text loader; the .hbs plugin in vitest.config.ts). */
declare module '*.hbs' {
  const source: string;
  export default source;
}
