/**
 * Model output -> safe HTML: markdown-it with raw HTML off (every tag in an answer is shown as text), links
 * only to http(s), no images (an answer must not make the page fetch anything), code highlighted by
 * highlight.js (its output is escaped text in spans).
 */
import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import go from 'highlight.js/lib/languages/go'
import java from 'highlight.js/lib/languages/java'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import typescript from 'highlight.js/lib/languages/typescript'
import MarkdownIt from 'markdown-it'

hljs.registerLanguage('typescript', typescript)
hljs.registerLanguage('javascript', javascript)
hljs.registerLanguage('json', json)
hljs.registerLanguage('bash', bash)
hljs.registerLanguage('python', python)
hljs.registerLanguage('java', java)
hljs.registerLanguage('go', go)
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' })
hljs.registerAliases(['js', 'jsx', 'mjs'], { languageName: 'javascript' })
hljs.registerAliases(['sh', 'shell', 'console'], { languageName: 'bash' })

/** Only absolute http(s) URLs become links; anything else (javascript:, data:, vbscript:, relative) stays text. */
export function isSafeLink(url: string): boolean {
  return /^https?:\/\//i.test(url.trim())
}

const md = new MarkdownIt({
  html: false,
  linkify: false,
  typographer: false,
  highlight(code, lang) {
    const language = lang && hljs.getLanguage(lang) ? lang : undefined
    // '' tells markdown-it to escape the code itself.
    return language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : ''
  },
})
md.validateLink = isSafeLink
md.disable('image')

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = function openLinksOutside(tokens, idx, options, env, self) {
  const token = tokens[idx]!
  token.attrSet('target', '_blank')
  token.attrSet('rel', 'noopener noreferrer nofollow')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

export function renderMarkdown(text: string): string {
  return md.render(text)
}
