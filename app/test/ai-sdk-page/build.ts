/** Bundles the useChat test page with esbuild into one HTML document (in memory: nothing of it ships). */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The page as HTML with its script inlined, to be served at any path of the server's origin. */
export async function buildChatPage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./chat-page.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  const script = result.outputFiles[0]!.text.replaceAll('</script', '<\\/script')
  return `<!doctype html><html><head><meta charset="utf-8"><title>useChat test page</title></head><body><div id="root"></div><script type="module">${script}</script></body></html>`
}
