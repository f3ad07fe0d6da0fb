import { describe, expect, it } from 'vitest'
import { placeChanges } from './place.js'
import type { ProposedChange } from './schema.js'

const FILE = [
  "import { Client, Hbar, TransferTransaction } from '@hiero-ledger/sdk'", // 1
  '', // 2
  'const client = Client.forTestnet()', // 3
  'client.setOperator(operatorId, operatorKey)', // 4
  '', // 5
  'const tx = new TransferTransaction()', // 6
  '  .addHbarTransfer(operatorId, new Hbar(-10))', // 7
  '  .addHbarTransfer(receiverId, new Hbar(10))', // 8
  'const response = tx.execute(client)', // 9
  'const receipt = await response.getReceipt(client)', // 10
  'console.log(receipt.status.toString())', // 11
].join('\n')

const change = (mode: ProposedChange['mode'], code: string, contextBefore: string, contextAfter: string): ProposedChange => ({ mode, code, contextBefore, contextAfter })

describe('placeChanges', () => {
  it('replaces the lines between exact context lines', () => {
    const placed = placeChanges(FILE, [change('replace', 'const response = await tx.execute(client)', "  .addHbarTransfer(operatorId, new Hbar(-10))\n  .addHbarTransfer(receiverId, new Hbar(10))", 'const receipt = await response.getReceipt(client)')])
    expect(placed.appliedChanges).toEqual([{ mode: 'replace', code: 'const response = await tx.execute(client)', startLine: 9, endLine: 9 }])
    expect(placed.refusedChanges).toEqual([])
  })

  it('replaces several lines, and keeps the proposed changes as sent', () => {
    const changes = [change('replace', 'const tx = new TransferTransaction()\n  .addHbarTransfer(operatorId, Hbar.fromTinybars(-5))\n  .addHbarTransfer(receiverId, Hbar.fromTinybars(5))\n', 'client.setOperator(operatorId, operatorKey)\n', 'const response = tx.execute(client)')]
    const placed = placeChanges(FILE, changes)
    expect(placed.appliedChanges).toEqual([{ mode: 'replace', code: 'const tx = new TransferTransaction()\n  .addHbarTransfer(operatorId, Hbar.fromTinybars(-5))\n  .addHbarTransfer(receiverId, Hbar.fromTinybars(5))', startLine: 5, endLine: 8 }])
    expect(placed.proposedChanges).toBe(changes)
  })

  it('adds code at the line after contextBefore when contextAfter follows it directly', () => {
    const placed = placeChanges(FILE, [change('add', 'client.setDefaultMaxTransactionFee(new Hbar(2))', 'const client = Client.forTestnet()\nclient.setOperator(operatorId, operatorKey)', '')])
    // No contextAfter: "to the end of the file", which for add must be right after contextBefore: refused.
    expect(placed.appliedChanges).toEqual([])
    const ok = placeChanges(FILE, [change('add', 'client.setDefaultMaxTransactionFee(new Hbar(2))', 'const client = Client.forTestnet()\nclient.setOperator(operatorId, operatorKey)', '\nconst tx = new TransferTransaction()')])
    expect(ok.appliedChanges).toEqual([{ mode: 'add', code: 'client.setDefaultMaxTransactionFee(new Hbar(2))', startLine: 5, endLine: 5 }])
  })

  it('adds at the start of the file with only contextAfter', () => {
    const placed = placeChanges(FILE, [change('add', "import 'dotenv/config'", '', "import { Client, Hbar, TransferTransaction } from '@hiero-ledger/sdk'\n")])
    expect(placed.appliedChanges).toEqual([{ mode: 'add', code: "import 'dotenv/config'", startLine: 1, endLine: 1 }])
  })

  it('deletes lines; the applied code is empty', () => {
    const placed = placeChanges(FILE, [change('delete', 'whatever', 'const tx = new TransferTransaction()', 'const response = tx.execute(client)')])
    expect(placed.appliedChanges).toEqual([{ mode: 'delete', code: '', startLine: 7, endLine: 8 }])
  })

  it('replace with no contextAfter runs to the end of the file', () => {
    const placed = placeChanges(FILE, [change('replace', 'console.log(`${receipt.status}`)', 'const receipt = await response.getReceipt(client)', '')])
    expect(placed.appliedChanges).toEqual([{ mode: 'replace', code: 'console.log(`${receipt.status}`)', startLine: 11, endLine: 11 }])
  })

  it('a replace between adjacent context lines becomes an insertion', () => {
    const placed = placeChanges(FILE, [change('replace', 'console.log(tx.toString())', '  .addHbarTransfer(receiverId, new Hbar(10))', 'const response = tx.execute(client)')])
    expect(placed.appliedChanges).toEqual([{ mode: 'add', code: 'console.log(tx.toString())', startLine: 9, endLine: 9 }])
  })

  it('matches ignoring whitespace when the exact match fails', () => {
    const placed = placeChanges(FILE, [change('replace', 'const response = await tx.execute(client)', '.addHbarTransfer(receiverId,   new Hbar(10))', '\tconst receipt = await response.getReceipt( client)'.replace('( client)', '(client)'))])
    expect(placed.appliedChanges).toEqual([{ mode: 'replace', code: 'const response = await tx.execute(client)', startLine: 9, endLine: 9 }])
  })

  it('handles CRLF files and context with a trailing newline', () => {
    const placed = placeChanges(FILE.replace(/\n/g, '\r\n'), [change('replace', 'x()', 'const client = Client.forTestnet()\r\n', 'const tx = new TransferTransaction()\r\n')])
    expect(placed.appliedChanges).toEqual([{ mode: 'replace', code: 'x()', startLine: 4, endLine: 5 }])
  })

  it('refuses a change whose context matches nowhere, naming which context', () => {
    const placed = placeChanges(FILE, [change('replace', 'x()', 'const nothing = 1', 'const response = tx.execute(client)')])
    expect(placed.appliedChanges).toEqual([])
    expect(placed.refusedChanges).toEqual([{ index: 0, reason: "its contextBefore does not match the file's lines" }])
    const after = placeChanges(FILE, [change('replace', 'x()', 'const tx = new TransferTransaction()', 'nope()')])
    expect(after.refusedChanges[0]!.reason).toBe("its contextAfter does not match the file's lines")
  })

  it('refuses an add whose contexts are not adjacent, saying why', () => {
    const placed = placeChanges(FILE, [change('add', 'x()', 'const client = Client.forTestnet()', 'const tx = new TransferTransaction()')])
    expect(placed.refusedChanges[0]!.reason).toMatch(/contextAfter must follow contextBefore, with only blank lines between/)
  })

  it('refuses a change whose context matches in two places', () => {
    const text = 'a()\nb()\nc()\na()\nb()\nc()'
    const placed = placeChanges(text, [change('replace', 'B()', 'a()', 'c()')])
    expect(placed.appliedChanges).toEqual([])
    expect(placed.refusedChanges).toEqual([{ index: 0, reason: 'its context lines match exactly in 2 places (before lines 2, 5); give more distinctive context' }])
  })

  it('two exact matches are refused even when a whitespace-tolerant reading would differ', () => {
    const text = 'f()\n  g()\nh()\nf()\ng()\nh()'
    expect(placeChanges(text, [change('delete', '', 'f()', 'h()')]).refusedChanges).toHaveLength(1)
  })

  it('takes the nearest contextBefore above a unique contextAfter', () => {
    const text = '}\nfoo()\n}\nbar()\nend()'
    const placed = placeChanges(text, [change('replace', 'baz()', '}', 'end()')])
    expect(placed.appliedChanges).toEqual([{ mode: 'replace', code: 'baz()', startLine: 4, endLine: 4 }])
  })

  it('refuses a change without any context', () => {
    expect(placeChanges(FILE, [change('replace', 'x', '', '')]).refusedChanges[0]!.reason).toMatch(/neither contextBefore nor contextAfter/)
  })

  it('places several changes against the original lines and refuses an overlapping one', () => {
    const placed = placeChanges(FILE, [
      change('replace', 'const response = await tx.execute(client)', '  .addHbarTransfer(receiverId, new Hbar(10))', 'const receipt = await response.getReceipt(client)'),
      change('add', "import 'dotenv/config'", '', "import { Client, Hbar, TransferTransaction } from '@hiero-ledger/sdk'"),
      change('delete', '', 'const tx = new TransferTransaction()', 'const receipt = await response.getReceipt(client)'),
    ])
    expect(placed.appliedChanges.map((c) => [c.mode, c.startLine, c.endLine])).toEqual([
      ['replace', 9, 9],
      ['add', 1, 1],
    ])
    expect(placed.refusedChanges).toEqual([{ index: 2, reason: 'it overlaps an earlier change (at line 9)' }])
  })

  it('an empty file refuses everything with a reason', () => {
    const placed = placeChanges('', [change('replace', 'x', 'a', 'b')])
    expect(placed.refusedChanges).toHaveLength(1)
  })

  it('ignores blank lines around the context', () => {
    const placed = placeChanges(FILE, [change('replace', 'const response = await tx.execute(client)', '\n\n  .addHbarTransfer(receiverId, new Hbar(10))\n', '\nconst receipt = await response.getReceipt(client)\n\n')])
    expect(placed.appliedChanges[0]).toMatchObject({ startLine: 9, endLine: 9 })
  })
})
