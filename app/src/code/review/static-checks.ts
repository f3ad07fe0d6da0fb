/** The checks on the syntax tree alone (pitfall rules + the API-name check), merged: they run in the type checker's worker, or here when it is off. */
import type { ApiIndex } from '../../knowledge/api-index.js'
import type { ApiNames } from '../../knowledge/api-names.js'
import { checkNames } from '../api-names/check-names.js'
import type { Diagnostic, Patch } from '../diagnostic.js'
import { parse, runRules, RULES, type Rule } from '../rules/index.js'

export interface StaticResult {
  diagnostics: Diagnostic[]
  patches: Patch[]
}

export interface StaticDeps {
  knowledge: { index: ApiIndex; names: ApiNames }
  rules?: readonly Rule[]
}

export function staticChecks(code: string, js: boolean, deps: StaticDeps): StaticResult {
  const { index, names } = deps.knowledge
  const source = parse(code, js)
  const ruled = runRules(deps.rules ?? RULES, { source, names, index })
  const named = checkNames(code, source, names, index)
  return { diagnostics: dedupe([...ruled.diagnostics, ...named.diagnostics]), patches: disjoint([...ruled.patches, ...named.patches]) }
}

/** Same span reported by two rules (private-key-shape and deprecated-api on `fromString`): the first, more specific one stays. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.column}:${d.endLine}:${d.endColumn}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Patches touching the same lines cannot both be applied: the first stays. */
export function disjoint(patches: Patch[]): Patch[] {
  const out: Patch[] = []
  for (const p of patches) if (!out.some((q) => p.startLine <= q.endLine && q.startLine <= p.endLine)) out.push(p)
  return out
}
