// Reads the README and the guide pages for the doc tests: fenced blocks tied to an example file, links, headings.
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

export const root = new URL('../../', import.meta.url).pathname

/** A fenced block whose info string names a file: ```js docs/examples/x.mjs (code) or ```text docs/examples/x.mjs (output). */
export interface MarkedBlock {
  readonly page: string
  readonly line: number
  readonly lang: string
  readonly file: string
  readonly body: string
}

/** README.md and every Markdown file under docs/, as paths relative to the repository. */
export function docPages(): string[] {
  const pages = ['README.md']
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${e.name}`
      if (e.isDirectory()) walk(path)
      else if (e.name.endsWith('.md')) pages.push(path)
    }
  }
  walk('docs')
  return pages.sort()
}

export const readPage = (page: string): string => readFileSync(join(root, page), 'utf8')

/** Every fenced block of a page, with its info string; fences inside other fences do not occur in these pages. */
export function fencedBlocks(page: string): { line: number; info: string; body: string }[] {
  const lines = readPage(page).split('\n')
  const blocks: { line: number; info: string; body: string }[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i]!)
    if (!open) continue
    const end = lines.findIndex((l, k) => k > i && l === '```')
    if (end < 0) throw new Error(`${page}:${i + 1}: a code fence that is never closed`)
    blocks.push({ line: i + 1, info: (open[1] ?? '').trim(), body: lines.slice(i + 1, end).join('\n') + '\n' })
    i = end
  }
  return blocks
}

/** The blocks of every page whose info string is a language and a file name. */
export function markedBlocks(pages: readonly string[] = docPages()): MarkedBlock[] {
  return pages.flatMap((page) =>
    fencedBlocks(page).flatMap(({ line, info, body }) => {
      const m = /^(\w+)\s+(\S+)$/.exec(info)
      return m ? [{ page, line, lang: m[1]!, file: m[2]!, body }] : []
    }),
  )
}

/** GitHub's heading anchors of a page (lower case, punctuation dropped, spaces to dashes, repeats numbered). */
export function anchors(page: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  const text = readPage(page).replace(/^```[\s\S]*?^```$/gm, '')
  for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    out.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return out
}

/** Relative link and image targets of a page outside code (`[text](target)`), with their line numbers. */
export function links(page: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = []
  let inFence = false
  readPage(page)
    .split('\n')
    .forEach((l, i) => {
      if (l.startsWith('```')) inFence = !inFence
      if (inFence) return
      const prose = l.replace(/`[^`]*`/g, '')
      for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!/^[a-z]+:/.test(m[1]!)) out.push({ line: i + 1, target: m[1]! })
      }
    })
  return out
}

export const rel = (path: string): string => relative(root, path)
