/** Rule: a deprecated SDK method (from the SDK's own `@deprecated` notes in the API index), with its replacement. */
import ts from 'typescript'
import type { ApiClass, ApiIndex, ApiMethod } from '../../knowledge/api-index.js'
import { declaresOwn, heldClass, walk } from './ast.js'
import type { Finding, Rule } from './rule.js'

interface Found {
  cls: string
  method: ApiMethod
}

/** The method as declared on the class or its ancestors, with the class that declares it. */
function lookup(index: ApiIndex, className: string, name: string, isStatic: boolean): Found | undefined {
  const byName = new Map(index.classes.map((c) => [c.name, c]))
  for (let entry: ApiClass | undefined = byName.get(className), hops = 0; entry && hops < 10; entry = entry.extends ? byName.get(entry.extends) : undefined, hops++) {
    const method = entry.methods.find((m) => m.name === name && Boolean(m.static) === isStatic)
    if (method) return { cls: entry.name, method }
  }
  return undefined
}

function paramTypes(signature: string): string {
  return (/^\(([^)]*)\)/.exec(signature)?.[1] ?? '').replace(/\w+\??:\s*/g, '').trim()
}

/**
 * The replacement the note names, when it is a sure rename: exactly one method named in the note exists on the
 * class, takes the same parameter types, and extends the old name (setKey -> setKeyWithoutAlias).
 */
export function replacementOf(index: ApiIndex, className: string, found: Found, isStatic: boolean): string | undefined {
  const note = found.method.deprecated ?? ''
  const named = new Set([...note.matchAll(/\b([a-z][A-Za-z0-9]+)\b/g)].map((m) => m[1]!).filter((w) => w !== found.method.name))
  const candidates = [...named].map((w) => lookup(index, className, w, isStatic)).filter((f): f is Found => f !== undefined && !f.method.deprecated)
  if (candidates.length !== 1) return undefined
  const replacement = candidates[0]!.method
  const core = found.method.name.replace(/^(set|get|add)/, '')
  if (!replacement.name.includes(core) || paramTypes(replacement.signature) !== paramTypes(found.method.signature)) return undefined
  return replacement.name
}

export const deprecatedApi: Rule = {
  meta: {
    name: 'deprecated-api',
    description: "A method the SDK marks `@deprecated`, with the replacement from the SDK's note.",
    why: 'Deprecated methods keep old behaviour (or none) and disappear in a later release; the note says what replaced them.',
    fixable: true,
    guide: 'sdk-package-move',
  },
  check({ source, names, index }) {
    const findings: Finding[] = []
    walk(source, (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return
      const { expression: target, name } = node.expression
      const isStatic = ts.isIdentifier(target) && names.hasClass(target.text) && !declaresOwn(source, target.text)
      const cls = isStatic ? (target).text : heldClass(target, names)
      if (!cls) return
      const found = lookup(index, cls, name.text, isStatic)
      if (!found?.method.deprecated) return
      const note = found.method.deprecated === 'deprecated' ? '' : ` The SDK says: "${found.method.deprecated.replace(/\s+/g, ' ').trim()}"`
      const replacement = replacementOf(index, cls, found, isStatic)
      findings.push({
        start: name.getStart(),
        end: node.getEnd(),
        severity: 'warning',
        message: `\`${found.cls}.${name.text}\` is deprecated.${note}`,
        ...(replacement ? { fix: { start: name.getStart(), end: name.getEnd(), text: replacement, title: `Use ${replacement} instead of the deprecated ${name.text}` } } : {}),
      })
    })
    return findings
  },
}
