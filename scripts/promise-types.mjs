/**
 * Part of `npm run build`: writes `dist/index.d.ts`, the types of the Promise entry, as one
 * self-contained file that imports nothing. The Promise entry bundles its own `effect`, so its
 * types must not need one either: results are the plain objects the client returns (interfaces),
 * errors are `Error` subclasses with their fields, options are plain values.
 *
 * It walks every export of `src/index.ts` with the TypeScript checker and prints each type
 * structurally, naming the interfaces and aliases declared in `src/` (emitted once each) and the
 * standard library's types, and expanding everything else. A type from `effect` that is left
 * (other than the few stand-ins below) fails the build, as does any error when the result is
 * type-checked alone (`skipLibCheck: false`, no packages).
 */
import { writeFileSync } from "node:fs"
import { join, sep } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("..", import.meta.url))
const srcDir = join(root, "src") + sep

/** Effect types the Promise API names on purpose, with the structural stand-in users see. */
const STAND_INS = {
  Redacted: [
    "/** An Effect `Redacted` (from `effect/Redacted`, for apps that have effect): a secret that never prints. */",
    "export interface Redacted<A = string> {\n  toString(): string\n  toJSON(): unknown\n  readonly __value?: A\n}"
  ].join("\n")
}

/** Loads tsconfig.build.json (for a caller that has no program yet). */
export const buildProgram = () => {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.build.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    }
  })
  return ts.createProgram({ rootNames: config.fileNames, options: config.options })
}

/**
 * Writes the Promise entry's types to `out` from `program` (one that includes src/index.ts, e.g.
 * the build's own). Throws when they cannot stand alone.
 */
export const writePromiseTypes = (program, out) => {
  const checker = program.getTypeChecker()
  const entry = program.getSourceFile(join(root, "src/index.ts"))
  const undefinedType = checker.getUndefinedType()

  const fileOf = (decl) => decl.getSourceFile().fileName
  const isOurs = (decl) => fileOf(decl).startsWith(srcDir)
  const isLib = (decl) => program.isSourceFileDefaultLibrary(decl.getSourceFile())
  const declsOf = (sym) => sym?.declarations ?? []
  const ours = (sym) => declsOf(sym).length > 0 && declsOf(sym).every(isOurs)
  const fromLib = (sym) => declsOf(sym).length > 0 && declsOf(sym).every(isLib)
  const resolve = (sym) => (sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym)

  const problems = []
  /** name -> declaration text (null while being printed). */
  const emitted = new Map()
  const emittedFor = new Map()
  const queue = []
  const exportedNames = new Set()

  const want = (sym, name = sym.name) => {
    const prev = emittedFor.get(name)
    if (prev !== undefined && prev !== sym) problems.push(`two declarations named ${name}`)
    if (prev === undefined) {
      emittedFor.set(name, sym)
      queue.push([name, sym])
    }
    return name
  }

  const doc = (sym, indent = "") => {
    const text = ts.displayPartsToString(sym.getDocumentationComment(checker)).trim()
    const tags = sym.getJsDocTags(checker).filter((t) => t.name === "deprecated" || t.name === "example")
    const lines = [...(text ? text.split("\n") : [])]
    for (const t of tags) lines.push(`@${t.name} ${ts.displayPartsToString(t.text ?? []).trim()}`.trimEnd())
    if (lines.length === 0) return ""
    if (lines.length === 1 && !lines[0].includes("*/")) return `${indent}/** ${lines[0]} */\n`
    return `${indent}/**\n${
      lines.map((l) => `${indent} * ${l.replaceAll("*/", "*\\/")}`.trimEnd()).join("\n")
    }\n${indent} */\n`
  }

  const WELL_KNOWN = {
    asyncIterator: "Symbol.asyncIterator",
    iterator: "Symbol.iterator",
    asyncDispose: "Symbol.asyncDispose"
  }
  /** A property's name as written in a declaration, or undefined to leave it out (private, symbol-keyed). */
  const propName = (prop) => {
    const n = prop.escapedName
    if (n.startsWith("__#")) return undefined
    if (n.startsWith("__@")) {
      const known = WELL_KNOWN[n.slice(3).split("@")[0]]
      return known === undefined ? undefined : `[${known}]`
    }
    return /^[A-Za-z_$][\w$]*$/.test(prop.name) ? prop.name : JSON.stringify(prop.name)
  }

  const isReadonly = (prop) => {
    if (ts.getCheckFlags(prop) & 8 /* CheckFlags.Readonly */) return true
    return declsOf(prop).some((d) => ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Readonly)
  }
  const isMethod = (prop) =>
    declsOf(prop).length > 0 && declsOf(prop).every((d) => ts.isMethodSignature(d) || ts.isMethodDeclaration(d))

  const typeParams = (params) =>
    params !== undefined && params.length > 0
      ? `<${
        params.map((p) => {
          const c = checker.getBaseConstraintOfType(p)
          const decl = declsOf(p.symbol)[0]
          const constraint = decl?.constraint !== undefined && c !== undefined ? ` extends ${print(c)}` : ""
          const dflt = decl?.default !== undefined ? ` = ${print(checker.getTypeFromTypeNode(decl.default))}` : ""
          return `${p.symbol.name}${constraint}${dflt}`
        }).join(", ")
      }>`
      : ""

  const signature = (sig, arrow) => {
    const params = sig.getParameters().map((p) => {
      const d = declsOf(p)[0]
      const rest = d !== undefined && ts.isParameter(d) && d.dotDotDotToken !== undefined
      const optional = !rest && d !== undefined && ts.isParameter(d) && checker.isOptionalParameter(d)
      return `${rest ? "..." : ""}${p.name}${optional ? "?" : ""}: ${print(checker.getTypeOfSymbol(p), optional)}`
    })
    const predicate = checker.getTypePredicateOfSignature(sig)
    const ret = predicate?.type !== undefined && predicate.parameterName !== undefined
      ? `${predicate.parameterName} is ${print(predicate.type)}`
      : print(checker.getReturnTypeOfSignature(sig))
    return `${typeParams(sig.getTypeParameters())}(${params.join(", ")})${arrow ? " =>" : ":"} ${ret}`
  }

  /** The members of an object type, one per line. */
  const members = (type, indent, filter = () => true) => {
    const lines = []
    for (const prop of checker.getPropertiesOfType(type)) {
      const name = propName(prop)
      if (name === undefined || !filter(prop)) continue
      const d = doc(prop, indent)
      const propType = checker.getTypeOfSymbol(prop)
      if (isMethod(prop)) {
        for (const sig of checker.getSignaturesOfType(propType, ts.SignatureKind.Call)) {
          lines.push(`${d}${indent}${name}${signature(sig, false)}`)
        }
        continue
      }
      const optional = (prop.flags & ts.SymbolFlags.Optional) !== 0
      lines.push(
        `${d}${indent}${isReadonly(prop) ? "readonly " : ""}${name}${optional ? "?" : ""}: ${print(propType, optional)}`
      )
    }
    for (const info of checker.getIndexInfosOfType(type)) {
      lines.push(`${indent}${info.isReadonly ? "readonly " : ""}[key: ${print(info.keyType)}]: ${print(info.type)}`)
    }
    for (const sig of checker.getSignaturesOfType(type, ts.SignatureKind.Call)) {
      lines.push(`${indent}${signature(sig, false)}`)
    }
    return lines
  }

  const depth = { n: 0 }
  /**
   * A type as declaration text. `optional`: the type of an optional property or parameter, whose
   * implicit `undefined` (exactOptionalPropertyTypes' "missing") is left to the `?`.
   */
  function print(type, optional = false, expandAlias = false) {
    if (++depth.n > 60) {
      depth.n--
      problems.push(`type too deep: ${checker.typeToString(type)}`)
      return "unknown"
    }
    try {
      return printInner(type, optional, expandAlias)
    } finally {
      depth.n--
    }
  }

  function printInner(type, optional, expandAlias) {
    const alias = type.aliasSymbol
    if (alias !== undefined && !expandAlias) {
      const args = (type.aliasTypeArguments ?? []).map((t) => print(t))
      const withArgs = (name) => (args.length > 0 ? `${name}<${args.join(", ")}>` : name)
      if (ours(alias)) return withArgs(want(alias))
      if (fromLib(alias)) return withArgs(alias.name)
      if (STAND_INS[alias.name] !== undefined) return withArgs(want(alias, alias.name))
    }
    const f = type.flags
    if (f & ts.TypeFlags.Union) {
      let parts = type.types
      if (optional) parts = parts.filter((t) => !(t.flags & ts.TypeFlags.Undefined) || t === undefinedType)
      const printed = []
      const hasTrue = parts.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === "true")
      const hasFalse = parts.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === "false")
      for (const t of parts) {
        if (hasTrue && hasFalse && t.flags & ts.TypeFlags.BooleanLiteral) {
          if (!printed.includes("boolean")) printed.push("boolean")
          continue
        }
        const s = print(t)
        printed.push(
          /=>/.test(s) && !s.startsWith("{") && !s.startsWith("(")
            ? `(${s})`
            : (/=>/.test(s) && s.startsWith("(") ? `(${s})` : s)
        )
      }
      return printed.join(" | ")
    }
    if (f & ts.TypeFlags.Intersection) {
      return type.types.map((t) => {
        const s = print(t)
        return /=>|\|/.test(s) && !s.startsWith("{") ? `(${s})` : s
      }).join(" & ")
    }
    if (
      f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.Boolean |
        ts.TypeFlags.BigInt | ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Never |
        ts.TypeFlags.ESSymbol | ts.TypeFlags.NonPrimitive | ts.TypeFlags.Literal)
    ) {
      return checker.typeToString(type)
    }
    if (f & ts.TypeFlags.TypeParameter) return type.symbol.name
    if (f & ts.TypeFlags.UniqueESSymbol) return "symbol"
    if (!(f & ts.TypeFlags.Object)) {
      problems.push(`cannot print ${checker.typeToString(type)} (flags ${f})`)
      return "unknown"
    }
    if (checker.isArrayType(type)) {
      const [el] = checker.getTypeArguments(type)
      return `${type.symbol?.name === "ReadonlyArray" ? "ReadonlyArray" : "Array"}<${print(el)}>`
    }
    if (checker.isTupleType(type)) {
      const ro = type.target.readonly ? "readonly " : ""
      return `${ro}[${checker.getTypeArguments(type).map((t) => print(t)).join(", ")}]`
    }
    const sym = type.symbol
    const named = sym !== undefined && !sym.name.startsWith("__") &&
      (sym.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class))
    if (named) {
      const args = type.objectFlags & ts.ObjectFlags.Reference
        ? checker.getTypeArguments(type).map((t) => print(t))
        : []
      const withArgs = (name) => (args.length > 0 ? `${name}<${args.join(", ")}>` : name)
      if (ours(sym)) return withArgs(want(sym))
      // `Uint8Array<ArrayBufferLike>` is `Uint8Array` before TypeScript 5.7 too.
      if (fromLib(sym)) return args.every((a) => a === "ArrayBufferLike") ? sym.name : withArgs(sym.name)
      if (STAND_INS[sym.name] !== undefined) return withArgs(want(sym, sym.name))
      problems.push(`${sym.name} (from ${fileOf(declsOf(sym)[0]).replace(root, "")}) is in the Promise API`)
      return "unknown"
    }
    const calls = checker.getSignaturesOfType(type, ts.SignatureKind.Call)
    const props = checker.getPropertiesOfType(type).filter((p) => propName(p) !== undefined)
    if (calls.length === 1 && props.length === 0 && checker.getIndexInfosOfType(type).length === 0) {
      return signature(calls[0], true)
    }
    const lines = members(type, "")
    return lines.length === 0 ? "{}" : `{ ${lines.map((l) => l.replace(/\/\*\*[\s\S]*?\*\/\n/g, "")).join("; ")} }`
  }

  const classHeritage = (sym) => {
    const decl = declsOf(sym).find(ts.isClassDeclaration)
    const clause = decl?.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
    return clause === undefined ? undefined : checker.getTypeAtLocation(clause.types[0].expression)
  }

  /** The declaration text of one named symbol of ours. */
  const declare = (name, sym, exported) => {
    const ex = exported ? "export " : ""
    if (STAND_INS[name] !== undefined && !ours(sym)) return STAND_INS[name]
    const d = doc(sym)
    if (sym.flags & ts.SymbolFlags.TypeAlias) {
      const type = checker.getDeclaredTypeOfSymbol(sym)
      const params = declsOf(sym)[0].typeParameters?.map((p) => checker.getTypeAtLocation(p))
      return `${d}${ex}type ${name}${typeParams(params)} = ${print(type, false, true)}`
    }
    if (sym.flags & ts.SymbolFlags.Class) {
      const instance = checker.getDeclaredTypeOfSymbol(sym)
      const statics = checker.getTypeOfSymbol(sym)
      const base = classHeritage(sym)
      const baseSym = base?.symbol
      const isErrorLike = checker.getPropertiesOfType(instance).some((p) => p.name === "stack")
      if (baseSym !== undefined && !ours(baseSym) && !fromLib(baseSym) && !isErrorLike) {
        // A Schema.Class: the client returns its fields as a plain object.
        return `${d}${ex}interface ${name} {\n${members(instance, "  ", (p) => declsOf(p).every(isOurs)).join("\n")}\n}`
      }
      const ctors = checker.getSignaturesOfType(statics, ts.SignatureKind.Construct)
      const ctorLines = ctors.map((s) => `  constructor${signature(s, false).replace(/:\s[^:]*$/, "")}`)
      let ext = ""
      let filter = (p) =>
        declsOf(p).some((decl) =>
          declsOf(sym).some((own) =>
            own.getSourceFile() === decl.getSourceFile() && decl.pos >= own.pos && decl.end <= own.end
          )
        )
      if (baseSym !== undefined && ours(baseSym)) ext = ` extends ${want(baseSym)}`
      else if (isErrorLike) {
        ext = " extends Error"
        const fields = new Set(["_tag"])
        // Schema.TaggedError: its fields (declared in src) and `_tag`; Effect's methods stay out.
        filter = (p) =>
          fields.has(p.name) || (declsOf(p).every(isOurs) && !["name", "message", "stack", "cause"].includes(p.name))
      }
      const body = [...ctorLines, ...members(instance, "  ", filter)]
      return `${d}${ex}declare class ${name}${ext} {\n${body.join("\n")}\n}`
    }
    if (sym.flags & ts.SymbolFlags.Interface) {
      const type = checker.getDeclaredTypeOfSymbol(sym)
      return `${d}${ex}interface ${name}${typeParams(type.typeParameters)} {\n${members(type, "  ").join("\n")}\n}`
    }
    if (sym.flags & ts.SymbolFlags.Function) {
      const sigs = checker.getSignaturesOfType(checker.getTypeOfSymbol(sym), ts.SignatureKind.Call)
      return sigs.map((s) => `${d}${ex}declare function ${name}${signature(s, false)}`).join("\n")
    }
    if (sym.flags & ts.SymbolFlags.Variable) {
      return `${d}${ex}declare const ${name}: ${print(checker.getTypeOfSymbol(sym))}`
    }
    problems.push(`cannot declare ${name}`)
    return ""
  }

  const moduleSym = checker.getSymbolAtLocation(entry)
  for (const exp of checker.getExportsOfModule(moduleSym)) {
    exportedNames.add(exp.name)
    want(resolve(exp), exp.name)
  }
  const order = []
  while (queue.length > 0) {
    const [name, sym] = queue.shift()
    order.push(name)
    emitted.set(name, declare(name, sym, exportedNames.has(name)))
  }

  const header = [
    "// Types of the Promise entry of @visgate_ai/client: self-contained (no effect needed).",
    "// Generated by scripts/promise-types.mjs from src/index.ts.",
    "/// <reference lib=\"esnext.disposable\" />",
    ""
  ].join("\n")
  const text = `${header}\n${order.map((n) => emitted.get(n)).join("\n\n")}\n\nexport {}\n`

  if (problems.length > 0) {
    throw new Error(
      `promise-types: the Promise entry's types cannot stand alone:\n  ${[...new Set(problems)].join("\n  ")}`
    )
  }

  /** Type-checks the generated file alone: strict, skipLibCheck false, no packages, no @types. */
  const checkAlone = (file) => {
    const p = ts.createProgram({
      rootNames: [file],
      options: {
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        noEmit: true,
        types: [],
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ["lib.es2022.d.ts", "lib.dom.d.ts"]
      }
    })
    return ts.getPreEmitDiagnostics(p).map((d) => {
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
      return `${pos ? `${d.file.fileName}:${pos.line + 1}: ` : ""}${
        ts.flattenDiagnosticMessageText(d.messageText, "\n")
      }`
    })
  }

  writeFileSync(out, text)
  const errors = checkAlone(out)
  if (errors.length > 0) {
    throw new Error(`promise-types: ${out} does not type-check alone:\n  ${errors.slice(0, 30).join("\n  ")}`)
  }
  return { declarations: order.length, bytes: text.length }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(root, "dist/index.d.ts")
  const { declarations, bytes } = writePromiseTypes(buildProgram(), out)
  console.error(`promise-types: ${out} (${declarations} declarations, ${bytes} bytes)`)
}
