'use strict';
/**
 * The `require` entry of every @nightjar package. The packages are ES modules only. Node 22.12 and later
 * can require() an ES module, so there the package itself is returned; older Node cannot, and instead
 * of its generic ERR_REQUIRE_ESM the caller learns what to change.
 */
module.exports = function esmOnly(name, load) {
  if (process.features && process.features.require_module) return load();
  const err = new Error(
    `${name} is an ES module package (ESM-only) and cannot be loaded with require() on Node ${process.version}.\n` +
      `Fix one of:\n` +
      `  - use import: \`import { … } from '${name}'\` in an ES module (.mjs, or "type": "module" in package.json);\n` +
      `  - TypeScript: set "module" and "moduleResolution" to "node16" or "nodenext" and make the importing file an ES module\n` +
      `    ("type": "module" in package.json, or a .mts file); with "module": "commonjs" TypeScript emits require();\n` +
      `  - from CommonJS: \`const m = await import('${name}')\`;\n` +
      `  - or run Node 20.19+ or 22.12+ without --no-experimental-require-module: they require() ES modules.`,
  );
  err.code = 'NJ_ESM_ONLY';
  throw err;
};
