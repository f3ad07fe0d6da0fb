/** Applying placed changes to the editor's text and the diff each shows. */
import { describe, expect, it } from 'vitest'
import { appliedChangesOf, applyChange, diffOf, fits } from './patches.js'

const file = ['import { Client } from "@hashgraph/sdk"', 'const client = Client.forTestnet()', 'tx.execute(client)', 'console.log("done")'].join('\n')

describe('patches on the editor text', () => {
  it('replace covers startLine..endLine inclusive', () => {
    const out = applyChange(file, { mode: 'replace', code: 'import { Client } from "@hiero-ledger/sdk"', startLine: 1, endLine: 1 })
    expect(out.split('\n')).toEqual(['import { Client } from "@hiero-ledger/sdk"', 'const client = Client.forTestnet()', 'tx.execute(client)', 'console.log("done")'])
    const two = applyChange(file, { mode: 'replace', code: 'await tx.execute(client)\n', startLine: 2, endLine: 3 })
    expect(two.split('\n')).toEqual(['import { Client } from "@hashgraph/sdk"', 'await tx.execute(client)', 'console.log("done")'])
  })

  it('delete removes the lines, add inserts before startLine (one past the end appends)', () => {
    expect(applyChange(file, { mode: 'delete', code: '', startLine: 3, endLine: 4 }).split('\n')).toHaveLength(2)
    const added = applyChange(file, { mode: 'add', code: '// a\n// b', startLine: 2, endLine: 2 }).split('\n')
    expect(added.slice(0, 4)).toEqual(['import { Client } from "@hashgraph/sdk"', '// a', '// b', 'const client = Client.forTestnet()'])
    expect(applyChange(file, { mode: 'add', code: 'client.close()', startLine: 5, endLine: 5 }).split('\n').at(-1)).toBe('client.close()')
  })

  it('refuses a change for lines the file no longer has', () => {
    expect(fits(file, { mode: 'replace', code: 'x', startLine: 4, endLine: 5 })).toBe(false)
    expect(() => applyChange(file, { mode: 'delete', code: '', startLine: 0, endLine: 1 })).toThrow(/lines 0-1/)
  })

  it('the diff shows the removed lines of the file and the added ones', () => {
    expect(diffOf(file, { mode: 'replace', code: 'await tx.execute(client)', startLine: 3, endLine: 3 })).toEqual({
      startLine: 3,
      removed: ['tx.execute(client)'],
      added: ['await tx.execute(client)'],
    })
    expect(diffOf(file, { mode: 'add', code: 'a', startLine: 1, endLine: 1 }).removed).toEqual([])
  })

  it('reads proposeCode tool results, dropping malformed changes', () => {
    const output = { proposedChanges: [], appliedChanges: [{ mode: 'replace', code: 'x', startLine: 1, endLine: 1 }, { mode: 'move', code: 'y', startLine: 1, endLine: 1 }, null] }
    expect(appliedChangesOf(output)).toEqual([{ mode: 'replace', code: 'x', startLine: 1, endLine: 1 }])
    expect(appliedChangesOf('nothing')).toEqual([])
  })
})
