/** Near names for "did you mean": edit distance with a budget, and the single certain candidate. */

/** The single best candidate within the edit budget, or nothing when two tie: a wrong fix is worse than none. */
export function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase()
  const sameLetters = candidates.filter((c) => c.toLowerCase() === lower)
  if (sameLetters.length === 1) return sameLetters[0]
  // Short names are too easy to mistake for one another: 1 edit up to 6 letters, 2 above.
  const budget = word.length <= 6 ? 1 : 2
  let best: string | undefined
  let bestDistance = budget + 1
  let ties = 0
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > budget) continue
    const d = distance(lower, candidate.toLowerCase(), budget)
    if (d < bestDistance) [best, bestDistance, ties] = [candidate, d, 1]
    else if (d === bestDistance) ties++
  }
  return ties === 1 ? best : undefined
}

/** Levenshtein distance, stopping early once every path is over the budget. */
export function distance(a: string, b: string, budget: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let rowBest = i
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      rowBest = Math.min(rowBest, current[j]!)
    }
    if (rowBest > budget) return budget + 1
    previous = current
  }
  return previous[b.length]!
}

/** Up to `n` candidates nearest to the word (a case-insensitive prefix counts as near), for "did you mean" lists. */
export function nearest(word: string, candidates: string[], n: number): string[] {
  const lower = word.toLowerCase()
  const budget = Math.max(2, Math.floor(word.length / 3))
  return candidates
    .map((c) => ({ c, d: c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()) ? 0.5 : distance(lower, c.toLowerCase(), budget) }))
    .filter((x) => x.d <= budget)
    .sort((a, b) => a.d - b.d || a.c.length - b.c.length)
    .slice(0, n)
    .map((x) => x.c)
}

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
