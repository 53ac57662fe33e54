/** @nightjar/rules — Sigma YAML in, compiled rule set out. */
export {};
