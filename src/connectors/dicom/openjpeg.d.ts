// The OpenJPEG WebAssembly build ships no type declarations; jpeg2000.ts types what it uses.
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (options?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<unknown>;
  export default factory;
}
