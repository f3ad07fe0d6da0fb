/** "Did you mean": the closest names by edit distance (case differences count little), from a list of candidates. */

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), with an early exit past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  const prev2: number[] = new Array<number>(b.length + 1).fill(0)
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1)
      row.push(d)
      best = Math.min(best, d)
    }
    if (best > max) return max + 1
    prev2.splice(0, prev2.length, ...prev)
    prev = row
  }
  return prev[b.length]!
}

export interface Suggestion {
  name: string
  /** Same name but for letter case: the fix is certain. */
  caseOnly: boolean
  distance: number
}

/** Up to `limit` candidates within a distance that grows with the name's length, best first. */
export function suggest(name: string, candidates: Iterable<string>, limit = 3): Suggestion[] {
  const lower = name.toLowerCase()
  const max = Math.max(1, Math.min(3, Math.floor(name.length / 4)))
  const found: Suggestion[] = []
  for (const candidate of candidates) {
    if (candidate === name) continue
    if (candidate.toLowerCase() === lower) {
      found.push({ name: candidate, caseOnly: true, distance: 0 })
      continue
    }
    const distance = editDistance(lower, candidate.toLowerCase(), max)
    if (distance <= max) found.push({ name: candidate, caseOnly: false, distance })
  }
  return found.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name)).slice(0, limit)
}
