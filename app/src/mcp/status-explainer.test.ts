import { describe, expect, it } from 'vitest'
import { testKnowledge } from '../../test/support/server.js'
import { createStatusExplainer, MAX_STATUSES } from './status-explainer.js'
import { noteFor, STATUS_NOTES } from './status-notes.js'

const knowledge = testKnowledge()
const explain = createStatusExplainer(knowledge)
const statusValues = knowledge.index.enums.find((e) => e.name === 'Status')!.members.map((m) => m.value)

describe('status notes', () => {
  it('are written only for statuses the installed SDK has', () => {
    expect(statusValues.length).toBeGreaterThan(300)
    for (const status of Object.keys(STATUS_NOTES)) expect(statusValues, status).toContain(status)
  })

  it('give every status of the SDK a meaning, a cause and a remedy', () => {
    for (const status of statusValues) {
      const note = noteFor(status)
      for (const text of [note.meaning, note.cause, note.remedy]) expect(text.length, status).toBeGreaterThan(10)
    }
    expect(noteFor('INVALID_TOPIC_MESSAGE').cause).toMatch(/field/)
    expect(noteFor('TOKEN_HAS_NO_SUPPLY_KEY').cause).not.toBe(noteFor('INVALID_TOPIC_MESSAGE').cause)
  })
})

describe('createStatusExplainer', () => {
  it('reads the phase from the SDK error message before each status', () => {
    const out = explain('first: transaction 0.0.2@1.2 failed precheck with status INVALID_SIGNATURE against node account id 0.0.3\nthen: receipt for transaction 0.0.2@1.3 contained error status DUPLICATE_TRANSACTION\nStatus.Success')
    expect(out.statuses.map((s) => [s.status, s.phase])).toEqual([
      ['INVALID_SIGNATURE', 'precheck'],
      ['DUPLICATE_TRANSACTION', 'receipt'],
      ['SUCCESS', 'unknown'],
    ])
  })

  it('accepts a bare name in the network, SDK or lower-case spelling', () => {
    for (const input of ['TOKEN_NOT_ASSOCIATED_TO_ACCOUNT', 'TokenNotAssociatedToAccount', 'Status.TokenNotAssociatedToAccount', ' token_not_associated_to_account ']) {
      expect(explain(input).statuses.map((s) => s.member), input).toEqual(['Status.TokenNotAssociatedToAccount'])
    }
  })

  it('points at the guide whose section is about the status first', () => {
    const [status] = explain('INSUFFICIENT_PAYER_BALANCE').statuses
    expect(status!.sources[0]!.uri).toBe('hedera-guide://errors-payer-and-account')
  })

  it('ignores words in capitals that are not statuses, repeats, and stops after MAX_STATUSES', () => {
    const text = ['ERROR TypeError HTTP_PROXY OK', ...statusValues.slice(10, 20), 'INVALID_SIGNATURE INVALID_SIGNATURE'].join('\n')
    const out = explain(text)
    expect(out.statuses).toHaveLength(MAX_STATUSES)
    expect(out.statuses[0]!.status).toBe('OK')
    expect(new Set(out.statuses.map((s) => s.status)).size).toBe(MAX_STATUSES)
    expect(explain('ERROR: connect ECONNREFUSED 127.0.0.1:50211')).toEqual({ statuses: [], note: expect.stringMatching(/names no status/) as unknown })
  })
})
