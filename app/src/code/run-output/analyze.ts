/** Reads a run's output: the SDK errors and Status names in it, what they mean, and the line of the user's code they most likely came from. */
import ts from 'typescript'
import { walk } from '../rules/ast.js'
import { ERROR_KINDS, fallbackExplanation, STATUS_EXPLANATIONS, type ErrorKind, type Explanation } from './explanations.js'
import type { StatusEntry } from './status-source.js'
import { STATUSES } from './statuses.generated.js'

export interface RunFinding {
  /** The SDK error class (or error shape) recognised, when there is one. */
  error?: { name: string; meaning: string; remedy: string }
  /** The status the network answered, when the output names one. */
  status?: StatusEntry & Explanation
  /** The most likely line of the user's code (1-based), and why that line. */
  line?: number
  lineReason?: string
  /** Rules whose findings are the likely fix. */
  rules: string[]
  guide?: string
}

/** Output past this is not read (a run that printed megabytes): its end, where errors are, is kept. */
export const MAX_OUTPUT_CHARS = 100_000
const BY_VALUE = new Map(STATUSES.map((s) => [s.value, s]))
/** Statuses that say things went well. */
const FINE = new Set(['OK', 'SUCCESS'])

export function statusByValue(value: string): StatusEntry | undefined {
  return BY_VALUE.get(value)
}

export function explain(entry: StatusEntry): Explanation {
  return STATUS_EXPLANATIONS[entry.value] ?? fallbackExplanation(entry)
}

/** Every failure the output shows, one finding per status (paired with the error that carried it) or per error without a status. */
export function analyzeOutput(code: string, output: string, source?: ts.SourceFile): RunFinding[] {
  const text = output.length > MAX_OUTPUT_CHARS ? output.slice(-MAX_OUTPUT_CHARS) : output
  const lines = text.split(/\r?\n/)
  const findings: RunFinding[] = []
  const seenStatus = new Set<string>()
  const usedKinds = new Set<string>()
  const parsed = source ?? ts.createSourceFile('main.ts', code, ts.ScriptTarget.ES2022, true)
  lines.forEach(function readLine(line, i) {
    // Multi-word names anywhere; one-word ones (BUSY, UNKNOWN) only after "status", where they cannot be prose.
    for (const match of line.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\bstatus:?\s+([A-Z]+)\b/gi)) {
      const word = match[1] ?? match[0]
      if (!match[1] && word !== word.toUpperCase()) continue
      const entry = BY_VALUE.get(word)
      if (!entry || FINE.has(entry.value) || seenStatus.has(entry.value)) continue
      seenStatus.add(entry.value)
      // The error that carried this status: on the same line, or the line before (a stack's header).
      const kind = ERROR_KINDS.find((k) => k.pattern.test(line) || k.pattern.test(lines[i - 1] ?? ''))
      if (kind) usedKinds.add(kind.name)
      findings.push(statusFinding(entry, kind, parsed, text))
    }
  })
  for (const kind of ERROR_KINDS) {
    if (usedKinds.has(kind.name) || !kind.pattern.test(text)) continue
    // An error named without a status in its line: still a finding of its own.
    if (findings.some((f) => f.error?.name === kind.name)) continue
    findings.push(errorFinding(kind, parsed, text))
  }
  return findings
}

function statusFinding(entry: StatusEntry, kind: ErrorKind | undefined, source: ts.SourceFile, output: string): RunFinding {
  const explanation = explain(entry)
  const place = locate(source, explanation.classes ?? [], kind?.calls ?? [], output, kind?.callFirst)
  const guide = explanation.guide ?? kind?.guide
  return {
    ...(kind ? { error: { name: kind.name, meaning: kind.meaning, remedy: kind.remedy } } : {}),
    status: { ...entry, ...explanation },
    ...place,
    rules: [...new Set([...(explanation.rules ?? []), ...(kind?.rules ?? [])])],
    ...(guide ? { guide } : {}),
  }
}

function errorFinding(kind: ErrorKind, source: ts.SourceFile, output: string): RunFinding {
  return {
    error: { name: kind.name, meaning: kind.meaning, remedy: kind.remedy },
    ...locate(source, [], kind.calls ?? [], output, kind.callFirst),
    rules: kind.rules ?? [],
    ...(kind.guide ? { guide: kind.guide } : {}),
  }
}

/**
 * The likely line: a class the output names (`query cost of AccountInfoQuery`), else the class the status comes
 * from (`new TransferTransaction(`), else the only transaction or query the file builds, else the only call of the
 * kind that fails (`getReceipt(` for a receipt error). `callFirst`: the call wins over a class (a stack names both).
 */
function locate(source: ts.SourceFile, classes: string[], calls: string[], output: string, callFirst = false): { line?: number; lineReason?: string } {
  const news = new Map<string, number[]>()
  const callLines = new Map<string, number[]>()
  walk(source, (node) => {
    const at = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart()).line + 1
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) push(news, node.expression.text, at(node))
    // A call's line is its name's line: in a chain over several lines that is where `.execute(` is.
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) push(callLines, node.expression.name.text, at(node.expression.name))
  })
  const byCall = () => {
    for (const call of calls) {
      const found = [...new Set(callLines.get(call) ?? [])]
      if (found.length === 1) return { line: found[0]!, lineReason: `the only \`${call}\` call` }
      if (found.length > 1) return { lineReason: `one of the \`${call}\` calls (lines ${found.join(', ')}); the output does not say which` }
    }
    return undefined
  }
  if (callFirst) {
    const found = byCall()
    if (found?.line) return found
  }
  const named = [...news.keys()].filter((c) => new RegExp(`\\b${c}\\b`).test(output))
  for (const cls of [...named, ...classes]) {
    const found = news.get(cls)
    if (found?.length === 1) return { line: found[0]!, lineReason: `the ${cls} built here` }
  }
  const built = [...news.entries()].filter(([cls]) => /(Transaction|Query|Flow)$/.test(cls))
  if (built.length === 1 && built[0]![1].length === 1) return { line: built[0]![1][0]!, lineReason: `the only ${built[0]![0]} in the file` }
  return byCall() ?? {}
}

function push(map: Map<string, number[]>, key: string, line: number): void {
  const list = map.get(key) ?? []
  list.push(line)
  map.set(key, list)
}
