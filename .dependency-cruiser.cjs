/**
 * Import-cycle check (dependency-cruiser), run by `npm run lint`: `src/` and `server-proxy/src/`
 * have no cycles, counting type-only imports too (a type cycle is still two modules that cannot be
 * understood or moved apart).
 * @type {import("dependency-cruiser").IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A module reaches itself through its imports: split the shared part into a module both import.",
      from: { path: "^(src|server-proxy/src)/" },
      to: { circular: true }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["@visgate/source", "import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"]
    },
    skipAnalysisNotInRules: true
  }
}
