/** How text becomes search terms: camelCase and SCREAMING_CASE split, stop words dropped, a light stemmer, synonyms. */

const STOP_WORDS = new Set(
  'a an and are as at be but by can could do does doing for from get got how i if in into is it its me my of on or our should so that the their them then there these this to too use using want was way we what when where which why will with would you your need needs make'.split(' '),
)

/**
 * Words developers use for a thing, mapped to the words the SDK and the guides use for it. Applied to questions
 * only: the documents keep their own words, so a synonym never makes a passage look longer than it is.
 */
const SYNONYMS: Record<string, string[]> = {
  send: ['transfer'],
  pay: ['transfer'],
  move: ['transfer'],
  spend: ['allowance', 'approve'],
  spender: ['allowance'],
  delegate: ['allowance'],
  permission: ['allowance'],
  approve: ['allowance'],
  coin: ['token'],
  currency: ['token', 'hbar'],
  nft: ['nonfungibleunique', 'nft', 'serial'],
  nfts: ['nonfungibleunique', 'nft', 'serial'],
  collectible: ['nft', 'nonfungibleunique'],
  wallet: ['account'],
  balance: ['balance', 'accountbalancequery'],
  opt: ['associate'],
  receive: ['associate'],
  whitelist: ['kyc', 'associate'],
  destroy: ['burn', 'delete'],
  remove: ['delete', 'burn', 'wipe'],
  print: ['mint'],
  issue: ['mint'],
  supply: ['mint', 'supply'],
  royalty: ['royalty', 'customroyaltyfee'],
  commission: ['fee', 'custom'],
  freeze: ['freeze'],
  lock: ['freeze', 'pause'],
  halt: ['pause'],
  stop: ['pause', 'freeze'],
  message: ['topic', 'message', 'submit'],
  publish: ['submit', 'topic'],
  post: ['submit'],
  chat: ['topic', 'message'],
  log: ['topic', 'message'],
  listen: ['subscribe'],
  stream: ['subscribe'],
  watch: ['subscribe'],
  hcs: ['consensus', 'topic'],
  hts: ['token'],
  solidity: ['contract'],
  evm: ['contract'],
  deploy: ['contract', 'create'],
  call: ['call', 'query'],
  invoke: ['execute', 'contract'],
  later: ['schedule'],
  delay: ['schedule'],
  multisig: ['schedule', 'keylist', 'threshold'],
  signature: ['sign', 'signature'],
  signatures: ['sign', 'signature'],
  cost: ['fee', 'cost'],
  price: ['fee', 'cost'],
  tinybar: ['tinybar', 'hbar'],
  tinybars: ['tinybar', 'hbar'],
  upload: ['file'],
  store: ['file'],
  history: ['mirror', 'record'],
  indexer: ['mirror'],
  api: ['mirror'],
  rest: ['mirror'],
  confirm: ['receipt'],
  confirmation: ['receipt'],
  result: ['receipt', 'record'],
  connect: ['client', 'operator'],
  setup: ['client', 'operator'],
  testnet: ['testnet', 'client'],
  secp256k1: ['ecdsa'],
  ethereum: ['ecdsa', 'evm'],
  metamask: ['ecdsa', 'evm', 'alias'],
  hex: ['string', 'raw'],
  der: ['der'],
  new: ['create'],
  make: ['create'],
  open: ['create'],
  random: ['prng'],
  error: ['status', 'error'],
  failure: ['error', 'status'],
  fail: ['error', 'status'],
  exit: ['close'],
  hang: ['close'],
  timestamp: ['record', 'consensus'],
  clawback: ['wipe'],
  confiscate: ['wipe'],
  fails: ['status', 'error'],
  failing: ['status', 'error'],
  rejected: ['status', 'error'],
  revert: ['revert', 'contract'],
}

const WORD = /[A-Za-z0-9_]+/g
const NEEDS_SPLIT = /[a-z0-9][A-Z]|[A-Z]{2}[a-z]|_/
const SUFFIXES: [string, string][] = [
  ['ies', 'y'],
  ['ing', ''],
  ['ed', ''],
  ['es', ''],
  ['s', ''],
]

/** Splits text into words; an identifier also yields its parts (TokenAssociateTransaction -> token, associate, transaction). */
export function tokenize(text: string): string[] {
  const out: string[] = []
  for (const [word] of text.matchAll(WORD)) {
    out.push(word)
    // Most words are plain prose: only identifiers pay for the split.
    if (!NEEDS_SPLIT.test(word)) continue
    const parts = word
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[\s_]+/)
    for (const part of parts) if (part) out.push(part)
  }
  return out
}

/**
 * The first `maxWords` distinct words of a question that can become search terms (stop words and one-letter words
 * dropped, case ignored), joined by spaces. A pasted log of thousands of words costs as much as a sentence, and a
 * word said twice counts once. The scan stops at the bound, so it is linear in what it keeps, not in the input.
 */
export function boundedQuery(text: string, maxWords: number): string {
  const seen = new Set<string>()
  let out = ''
  let count = 0
  // Words are runs of [A-Za-z0-9_] (WORD), found by hand: a regex iterator made a match object per word, on the
  // path of every question.
  for (let i = 0, start = -1; i <= text.length; i++) {
    if (i < text.length && isWordChar(text.charCodeAt(i))) {
      if (start < 0) start = i
      continue
    }
    if (start < 0) continue
    const begin = start
    start = -1
    if (i - begin < 2) continue
    const word = text.slice(begin, i)
    const key = word.toLowerCase()
    if (STOP_WORDS.has(key) || seen.has(key)) continue
    seen.add(key)
    out = count === 0 ? word : `${out} ${word}`
    if (++count >= maxWords) break
  }
  return out
}

/** [A-Za-z0-9_] */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95
}

/** Lower-cases, drops stop words and strips common English endings so "associating" meets "associate". */
export function processTerm(term: string): string | null {
  const lower = term.toLowerCase()
  if (lower.length < 2 || STOP_WORDS.has(lower)) return null
  return stem(lower)
}

/** The question side: each term plus the words the knowledge base uses for it. */
export function processQueryTerm(term: string): string[] | null {
  const lower = term.toLowerCase()
  if (lower.length < 2 || STOP_WORDS.has(lower)) return null
  // Own keys only: a question saying "constructor" must not find Object.prototype.constructor.
  const synonyms = Object.hasOwn(SYNONYMS, lower) ? SYNONYMS[lower]! : []
  return [...new Set([stem(lower), ...synonyms.map(stem)])]
}

export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word
  if (word.endsWith('ss') || word.endsWith('us')) return word
  for (const [suffix, replacement] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const root = word.slice(0, -suffix.length) + replacement
      // "associating" -> "associat", "associate" -> "associat": drop a final e so both meet.
      return root.endsWith('e') && root.length >= 4 ? root.slice(0, -1) : root
    }
  }
  return word.endsWith('e') ? word.slice(0, -1) : word
}
