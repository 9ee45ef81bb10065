export * from './confusion.js'
export * from './overlap.js'
export * from './distance.js'
