/** Returns `load()` where Node can require() ES modules, else throws an error saying how to import the package. */
declare function esmOnly(name: string, load: () => unknown): unknown;
export = esmOnly;
