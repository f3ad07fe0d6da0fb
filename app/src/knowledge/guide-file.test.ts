import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { GuideFileError, parseGuideFile, parseGuideFiles, readGuides } from './guide-file.js'

const good = [
  '---',
  'id: token-associate            # kebab-case, = file name',
  'title: Associate a token before an account can receive it',
  'tags: [token, associate, TOKEN_NOT_ASSOCIATED_TO_ACCOUNT]',
  'apis: [TokenAssociateTransaction, "AccountId", TokenId.fromString]',
  '---',
  'An account must opt in to a token first.',
  '',
  '## Why it fails',
  'The transfer ends in TOKEN_NOT_ASSOCIATED_TO_ACCOUNT.',
  '',
  '```bash',
  '## not a heading',
  'curl http://127.0.0.1/x',
  '```',
  '',
  '### A sub heading stays inside',
  'More.',
  '',
  '## The example',
  '```ts',
  "import { TokenAssociateTransaction } from '@hiero-ledger/sdk'",
  '## not a heading either',
  '```',
  'After the code.',
].join('\n')

function expectError(source: string, pattern: RegExp, file = 'guides/token-associate.md') {
  let error: unknown
  try {
    parseGuideFile(source, file)
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(GuideFileError)
  const message = (error as Error).message
  expect(message.startsWith(`${file}: `)).toBe(true)
  expect(message).toMatch(pattern)
  expect(message.trim().endsWith('.')).toBe(true)
}

describe('parseGuideFile', () => {
  it('reads front matter, intro, sections and ts examples', () => {
    const guide = parseGuideFile(good, 'knowledge/guides/token-associate.md')
    expect(guide.id).toBe('token-associate')
    expect(guide.title).toBe('Associate a token before an account can receive it')
    expect(guide.tags).toEqual(['token', 'associate', 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT'])
    expect(guide.apis).toEqual(['TokenAssociateTransaction', 'AccountId', 'TokenId.fromString'])
    expect(guide.intro).toBe('An account must opt in to a token first.')
    expect(guide.sections.map((s) => s.heading)).toEqual(['Why it fails', 'The example'])
    expect(guide.sections[0]?.text).toContain('```bash\n## not a heading\ncurl http://127.0.0.1/x\n```')
    expect(guide.sections[0]?.text).toContain('### A sub heading stays inside\nMore.')
    expect(guide.sections[1]?.text).toBe('After the code.')
    expect(guide.examples).toEqual(["import { TokenAssociateTransaction } from '@hiero-ledger/sdk'\n## not a heading either\n"])
  })

  it('accepts CRLF line endings', () => {
    expect(parseGuideFile(good.replace(/\n/g, '\r\n'), 'token-associate.md').sections).toHaveLength(2)
  })

  it('names the missing front matter field', () => {
    expectError(good.replace(/^title:.*$/m, ''), /missing "title"/)
    expectError(good.replace(/^tags:.*$/m, 'tags: []'), /"tags" is empty/)
    expectError(good.replace(/^apis:.*$/m, 'apis: TokenId'), /"apis" is not a list/)
    expectError(good.replace(/^id:.*$/m, ''), /missing "id"/)
  })

  it('rejects front matter that is absent, unclosed, unknown or repeated', () => {
    expectError(good.slice(4), /does not start with front matter/)
    expectError(good.replace('apis:', 'api:'), /field "api" is unknown/)
    expectError(good.replace('tags:', 'title: again\ntags:'), /"title" appears twice/)
    expectError(['---', 'id: a', 'title: b'].join('\n'), /not closed/)
  })

  it('requires the id to be kebab-case and equal to the file name', () => {
    expectError(good, /differs from the file name/, 'guides/other.md')
    expectError(good.replace('id: token-associate', 'id: Token_Associate'), /not kebab-case/)
  })

  it('requires an intro, a section and a ts example', () => {
    expectError(good.replace('An account must opt in to a token first.', ''), /no intro/)
    expectError(good.replace(/^## /gm, 'Heading: '), /no ## section/)
    expectError(good.replace('```ts', '```js'), /no ```ts example/)
    expectError(good.replace(/```\nAfter/, 'After'), /never closed/)
  })
})

describe('parseGuideFiles and readGuides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guides-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('rejects a duplicate id, naming both files', () => {
    const files = [
      { file: 'a/token-associate.md', source: good },
      { file: 'b/token-associate.md', source: good },
    ]
    expect(() => parseGuideFiles(files)).toThrow('b/token-associate.md: id "token-associate" is already used by a/token-associate.md')
  })

  it('reads every guide in a folder in name order, skipping README.md', () => {
    writeFileSync(join(dir, 'token-associate.md'), good)
    writeFileSync(join(dir, 'account-create.md'), good.replace('id: token-associate', 'id: account-create'))
    writeFileSync(join(dir, 'README.md'), '# not a guide')
    expect(readGuides(dir).map((g) => g.id)).toEqual(['account-create', 'token-associate'])
  })
})
