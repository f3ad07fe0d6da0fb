/** lookup_sdk_api: one class or `Class.member` of the API index, exactly, with signatures, summaries and deprecations. */
import { z } from 'zod'
import type { ApiClass, ApiIndex } from '../knowledge/api-index.js'
import { apiUri } from './uris.js'
import { nearest } from './near-names.js'

export const DEFAULT_METHODS_PAGE = 40
export const MAX_METHODS_PAGE = 100
const MAX_TEXT = 300

const memberSchema = z.object({
  name: z.string(),
  /** Declared on this class or inherited from (the class that declares it). */
  declaredOn: z.string(),
  static: z.boolean(),
  signature: z.string(),
  summary: z.string().optional(),
  deprecated: z.string().optional(),
  /** What to use instead, when the deprecation names something that exists. */
  replacement: z.string().optional(),
})

export const apiLookupSchema = z.object({
  found: z.boolean(),
  sdk: z.string(),
  version: z.string(),
  name: z.string(),
  uri: z.string().optional(),
  kind: z.enum(['class', 'member']).optional(),
  extends: z.string().optional(),
  summary: z.string().optional(),
  deprecated: z.string().optional(),
  /** The class's members (own and inherited), one page; or the overloads of the member asked for. */
  members: z.array(memberSchema),
  /** Enum values (e.g. Status's) when the member asked for is one, or the class is an enum. */
  values: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  totalMembers: z.number().int(),
  /** Pass as offset to get the next page of members. */
  nextOffset: z.number().int().optional(),
  /** Near names when nothing matched exactly. */
  suggestions: z.array(z.string()).optional(),
})

export type ApiLookup = z.infer<typeof apiLookupSchema>
type Member = z.infer<typeof memberSchema>

export interface LookupPage {
  offset?: number
  limit?: number
}

export function createApiLookup(index: ApiIndex): (name: string, page?: LookupPage) => ApiLookup {
  const classes = new Map(index.classes.map((c) => [c.name, c]))
  const enums = new Map(index.enums.map((e) => [e.name, e]))
  const base = { sdk: index.sdk, version: index.version }

  /** Own members first, then each ancestor's that the class does not override. */
  function membersOf(entry: ApiClass): Member[] {
    const out: Member[] = []
    const seen = new Set<string>()
    for (let at: ApiClass | undefined = entry, hops = 0; at && hops < 10; at = at.extends ? classes.get(at.extends) : undefined, hops++) {
      const declaredOn = at.name
      for (const m of at.methods) {
        const key = `${m.static ? 's' : 'i'}:${m.name}:${m.signature}`
        if (seen.has(key) || (at !== entry && out.some((o) => o.name === m.name && o.static === Boolean(m.static)))) continue
        seen.add(key)
        const replacement = m.deprecated ? replacementOf(m.deprecated, at) : undefined
        out.push({
          name: m.name,
          declaredOn,
          static: Boolean(m.static),
          signature: clip(m.signature),
          ...(m.summary ? { summary: clip(m.summary) } : {}),
          ...(m.deprecated ? { deprecated: clip(m.deprecated) } : {}),
          ...(replacement ? { replacement } : {}),
        })
      }
    }
    return out
  }

  /** "Use `setKeyWithoutAlias` instead" -> AccountCreateTransaction.setKeyWithoutAlias, when that exists. */
  function replacementOf(text: string, owner: ApiClass): string | undefined {
    const named = /\b(?:use|in (?:a )?favou?r of)\s+`?([A-Za-z_$][\w$.]*)/i.exec(text)?.[1]?.replace(/\.$/, '')
    if (!named) return undefined
    if (named.includes('.')) {
      const [cls, member] = named.split('.') as [string, string]
      return classes.get(cls)?.methods.some((m) => m.name === member) ? named : undefined
    }
    if (classes.has(named)) return named
    for (let at: ApiClass | undefined = owner, hops = 0; at && hops < 10; at = at.extends ? classes.get(at.extends) : undefined, hops++) {
      if (at.methods.some((m) => m.name === named)) return `${owner.name}.${named}`
    }
    return undefined
  }

  return function lookup(rawName, page = {}) {
    const name = rawName.trim().replace(/\(\)$/, '')
    const [clsName, memberName] = name.split('.') as [string, string | undefined]
    const entry = classes.get(clsName)
    if (!entry) return { ...base, found: false, name, members: [], totalMembers: 0, suggestions: nearest(clsName, [...classes.keys()], 5) }
    const all = membersOf(entry)
    const enumOf = enums.get(entry.name)
    const classPart = {
      uri: apiUri(entry.name),
      ...(entry.extends ? { extends: entry.extends } : {}),
      ...(entry.summary ? { summary: clip(entry.summary) } : {}),
      ...(entry.deprecated ? { deprecated: clip(entry.deprecated) } : {}),
    }
    if (memberName !== undefined) {
      const members = all.filter((m) => m.name === memberName)
      const value = enumOf?.members.find((m) => m.name === memberName || m.value === memberName)
      const constant = entry.constants?.includes(memberName)
      if (members.length === 0 && !value && !constant) {
        const names = [...new Set([...all.map((m) => m.name), ...(enumOf?.members.map((m) => m.name) ?? []), ...(entry.constants ?? [])])]
        return { ...base, ...classPart, found: false, name, members: [], totalMembers: 0, suggestions: nearest(memberName, names, 5).map((n) => `${entry.name}.${n}`) }
      }
      return { ...base, ...classPart, found: true, kind: 'member', name, members: members.slice(0, 10), totalMembers: members.length, ...(value ? { values: [value] } : {}) }
    }
    const offset = Math.max(0, page.offset ?? 0)
    const limit = Math.min(MAX_METHODS_PAGE, Math.max(1, page.limit ?? DEFAULT_METHODS_PAGE))
    const members = all.slice(offset, offset + limit)
    const next = offset + limit < all.length ? offset + limit : undefined
    // An enum's values can be hundreds (Status): the first page only; ask for Class.Member for one.
    const values = enumOf ? enumOf.members.slice(offset, offset + limit) : undefined
    const valuesNext = enumOf && offset + limit < enumOf.members.length ? offset + limit : undefined
    const nextOffset = next ?? valuesNext
    return { ...base, ...classPart, found: true, kind: 'class', name: entry.name, members, totalMembers: all.length, ...(values ? { values } : {}), ...(nextOffset !== undefined ? { nextOffset } : {}) }
  }
}

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text)
