/** Writes app/src/code/run-output/statuses.generated.ts from the installed SDK's Status class. */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Status } from '@hiero-ledger/sdk'
import { renderStatusModule, statusEntries } from '../../app/src/code/run-output/status-source.js'

const require = createRequire(import.meta.url)
const version = (JSON.parse(readFileSync(require.resolve('@hiero-ledger/sdk/package.json'), 'utf8')) as { version: string }).version
const target = fileURLToPath(new URL('../../app/src/code/run-output/statuses.generated.ts', import.meta.url))
const entries = statusEntries(Status)
writeFileSync(target, renderStatusModule(entries, version))
console.log(`wrote ${entries.length} statuses of @hiero-ledger/sdk ${version} to ${target}`)
