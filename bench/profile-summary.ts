/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time by owner (the project, each npm package, node
 * internals, GC) and the top functions by self time, idle time left out.
 *
 *   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [top=20]
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Who a function belongs to: an npm package, the project, node itself, or a V8 pseudo-frame. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return 'node internals'
  return 'project'
}

export function summarize(profile: Profile, top = 20): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfUs = new Map<number, number>()
  // Each sample's time is the delta to the next one.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
  }
  const parentOf = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
  /** The nearest caller that is not native code, so a native frame is charged to who called it. */
  const callerOf = (id: number): string => {
    for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame
      if (frame.url) return `${frame.functionName || '(anonymous)'}  ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${frame.lineNumber + 1}`
    }
    return '(root)'
  }
  const nativeCallers = new Map<string, number>()
  const byOwner = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let total = 0
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    if (functionName === '(idle)') continue
    total += us
    const owner = ownerOf(url, functionName)
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us)
    const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')
    const key = `${functionName || '(anonymous)'}  ${file}${url ? `:${lineNumber + 1}` : ''}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    if (!url && !functionName.startsWith('(')) {
      const caller = `${functionName} <- ${callerOf(id)}`
      nativeCallers.set(caller, (nativeCallers.get(caller) ?? 0) + us)
    }
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`
  const lines = [`busy CPU ${(total / 1000).toFixed(0)} ms (idle excluded)`, '', 'self time by owner:']
  for (const [owner, us] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${pct(us)}  ${owner}`)
  lines.push('', `top ${top} functions by self time:`)
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${key}`)
  lines.push('', 'native code by its nearest JavaScript caller:')
  for (const [key, us] of [...nativeCallers].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${pct(us)}  ${key}`)
  return lines.join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]')
    process.exit(2)
  }
  console.log(summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 20)))
}
