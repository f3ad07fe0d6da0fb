/** `npm run knowledge:build`: regenerates knowledge/api-index.json from the installed @hiero-ledger/sdk. */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serializeApiIndex } from '../../app/src/knowledge/api-index.js'
import { buildApiIndex } from './api-index-builder.js'

const target = fileURLToPath(new URL('../../knowledge/api-index.json', import.meta.url))
const started = performance.now()
const index = await buildApiIndex()
const text = serializeApiIndex(index)
writeFileSync(target, text)
const methods = index.classes.reduce((n, c) => n + c.methods.length, 0)
console.log(`wrote ${target}: ${index.sdk}@${index.version}, ${index.classes.length} classes, ${methods} methods, ${index.enums.length} enums, ${(text.length / 1024).toFixed(0)} KiB in ${Math.round(performance.now() - started)} ms`)
