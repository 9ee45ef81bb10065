import type sharpModule from 'sharp'

let loading: Promise<typeof sharpModule> | undefined

/**
 * sharp, loaded on first use: importing segsense (or its vitest setup entry, in every worker) loads no native
 * module until an image is read or drawn.
 */
export function loadSharp(): Promise<typeof sharpModule> {
  loading ??= import('sharp').then((m) => m.default)
  return loading
}
