/** Name lookups over the API index: classes, their methods with inheritance, enum members. */
import type { ApiIndex } from './api-index.js'

export interface ApiNames {
  hasClass(name: string): boolean
  /** A method on instances of `className` (its own or inherited). */
  hasInstanceMethod(className: string, method: string): boolean
  /** A static method or a static constant (`Hbar.fromTinybars`, `Status.Success`). */
  hasStatic(className: string, member: string): boolean
  /** Any class has an instance method of this name. */
  anyInstanceMethod(method: string): boolean
  /** The signature of an instance method returns `this` (so a builder chain keeps its class). */
  returnsThis(className: string, method: string): boolean
  /** The SDK class a static method returns (`Client.forTestnet` -> Client), when it returns one. */
  staticReturns(className: string, member: string): string | undefined
  /** Names exported by the SDK that are not classes (functions, constants, interfaces). */
  hasExport(name: string): boolean
}

export function createApiNames(index: ApiIndex): ApiNames {
  const classes = new Map(index.classes.map((c) => [c.name, c]))
  const enums = new Map(index.enums.map((e) => [e.name, new Set(e.members.map((m) => m.name))]))
  const exports = new Set(index.functions)
  const instanceMethods = new Map<string, Map<string, string>>()
  const statics = new Map<string, Set<string>>()
  const anyMethod = new Set<string>()

  // Ancestors first, so each class's map holds everything it inherits.
  function methodsOf(name: string, seen = new Set<string>()): Map<string, string> {
    const cached = instanceMethods.get(name)
    if (cached) return cached
    const entry = classes.get(name)
    const own = new Map<string, string>()
    if (entry?.extends && entry.extends !== name && !seen.has(entry.extends)) {
      for (const [k, v] of methodsOf(entry.extends, seen.add(name))) own.set(k, v)
    }
    for (const m of entry?.methods ?? []) if (!m.static) own.set(m.name, m.signature)
    instanceMethods.set(name, own)
    return own
  }
  function staticsOf(name: string, seen = new Set<string>()): Set<string> {
    const cached = statics.get(name)
    if (cached) return cached
    const entry = classes.get(name)
    const own = new Set<string>()
    if (entry?.extends && entry.extends !== name && !seen.has(entry.extends)) for (const k of staticsOf(entry.extends, seen.add(name))) own.add(k)
    for (const m of entry?.methods ?? []) if (m.static) own.add(m.name)
    for (const c of entry?.constants ?? []) own.add(c)
    for (const member of enums.get(name) ?? []) own.add(member)
    statics.set(name, own)
    return own
  }
  for (const entry of classes.values()) for (const m of methodsOf(entry.name).keys()) anyMethod.add(m)

  return {
    hasClass: (name) => classes.has(name),
    hasInstanceMethod: (className, method) => methodsOf(className).has(method),
    hasStatic: (className, member) => staticsOf(className).has(member),
    anyInstanceMethod: (method) => anyMethod.has(method),
    returnsThis: (className, method) => {
      const returned = /\):\s*(\w+)$/.exec(methodsOf(className).get(method) ?? '')?.[1]
      return returned === 'this' || returned === className
    },
    staticReturns: (className, member) => {
      // Walk up: a static may be inherited (Transaction.fromBytes on TransferTransaction).
      for (let entry = classes.get(className), hops = 0; entry && hops < 10; entry = entry.extends && entry.extends !== entry.name ? classes.get(entry.extends) : undefined, hops++) {
        const method = entry.methods.find((m) => m.static && m.name === member)
        if (!method) continue
        const returned = /\):\s*(?:Promise<)?(\w+)>?$/.exec(method.signature)?.[1]
        // Rust's `-> Self` is indexed as `this`: `Client::for_testnet()` returns a Client.
        if (returned === 'this') return entry.name
        return returned && classes.has(returned) ? returned : undefined
      }
      return undefined
    },
    hasExport: (name) => exports.has(name) || classes.has(name),
  }
}
