/** Loads the knowledge base once in a fresh process and prints its stats (one JSON line): what a server start costs. */
import { fileURLToPath } from 'node:url'
import { loadKnowledge } from '../../app/src/knowledge/knowledge-base.js'

const kb = loadKnowledge(fileURLToPath(new URL('../../knowledge', import.meta.url)))
console.log(JSON.stringify(kb.stats))
