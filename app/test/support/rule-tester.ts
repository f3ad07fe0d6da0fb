/** A RuleTester in the typescript-eslint manner: valid code gives nothing, invalid code gives the expected findings and fix. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { parseApiIndex } from '../../src/knowledge/api-index.js'
import { createApiNames } from '../../src/knowledge/api-names.js'
import { parse, runRules, type Rule, type RuleContext } from '../../src/code/rules/rule.js'

const index = parseApiIndex(readFileSync(fileURLToPath(new URL('../../../knowledge/api-index.json', import.meta.url)), 'utf8'))
const names = createApiNames(index)

export interface InvalidCase {
  code: string
  /** 1-based line of each expected finding. */
  lines: number[]
  /** Part of the message. */
  message?: RegExp
  /** The patched line(s) the fix produces, or null when the rule must not patch. */
  output: string | null
  js?: boolean
}

export function contextFor(code: string, js = false): RuleContext {
  return { source: parse(code, js), names, index }
}

/** Runs the table: every valid case yields no finding; every invalid case the listed lines and exactly the fix. */
export function testRule(rule: Rule, valid: string[], invalid: InvalidCase[]): void {
  for (const code of valid) {
    const { diagnostics } = runRules([rule], contextFor(code))
    expect(diagnostics, `valid code flagged:\n${code}`).toEqual([])
  }
  for (const c of invalid) {
    const { diagnostics, patches } = runRules([rule], contextFor(c.code, c.js))
    expect(diagnostics.map((d) => d.line), `lines for:\n${c.code}`).toEqual(c.lines)
    if (c.message) for (const d of diagnostics) expect(d.message).toMatch(c.message)
    if (c.output === null) expect(patches, `no patch expected for:\n${c.code}`).toEqual([])
    else expect(patches.map((p) => p.code).join('\n'), `fix for:\n${c.code}`).toBe(c.output)
  }
}
