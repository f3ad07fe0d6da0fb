/** Takes docs/playground.png: the built page, served by the real server with no key (offline mode), reviewing a pasted program from the knowledge base and the code check. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../app/test/support/browser.js'
import { startTestServer } from '../app/test/support/server.js'
import { buildPlayground } from './build-playground.js'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'playground.png')
/** A program with the SDK's old package name (line 1) and an execute that is never awaited (line 3). */
const PROGRAM = [
  "import { Client, Hbar, TransferTransaction } from '@hashgraph/sdk'",
  'const client = Client.forTestnet().setOperator(process.env.OPERATOR_ID!, process.env.OPERATOR_KEY!)',
  "new TransferTransaction().addHbarTransfer('0.0.2', new Hbar(-1)).addHbarTransfer('0.0.3', new Hbar(1)).execute(client)",
  "console.log('sent')",
].join('\n')

await buildPlayground()
const api = await startTestServer({ LOG_LEVEL: 'silent' })
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' })
  await page.goto(`${api.http}/`)
  await page.locator('#status', { hasText: 'Connected' }).waitFor()
  await page.locator('.cm-content').click()
  await page.keyboard.insertText(PROGRAM)
  await page.keyboard.press('Control+Home')
  await page.locator('#review').click()
  await page.locator('article.assistant[data-state=complete]').waitFor({ timeout: 60_000 })
  await page.screenshot({ path: OUT })
  console.log(`wrote ${OUT}`)
} finally {
  await browser.close()
  await api.close()
}
