export * from './confusion.js'
export * from './overlap.js'
