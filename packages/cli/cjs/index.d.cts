// The types of the ES module: Node 20.19+ and 22.12+ require() it (cjs/index.cjs returns it, or says how
// to import it where Node cannot).
export * from '../dist/index.js';
