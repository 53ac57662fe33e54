// node-gyp-build ships no types: the two calls the loader makes.
declare module 'node-gyp-build' {
  interface NodeGypBuild {
    (dir: string): unknown;
    /** The .node file to load from `dir` (build/Release, build/Debug, then prebuilds/); throws when none. */
    path(dir: string): string;
  }
  const load: NodeGypBuild;
  export default load;
}
