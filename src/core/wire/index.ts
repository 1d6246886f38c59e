export * from './format.js'
export * from './messages.js'
export * from './replay.js'
export * from './seal.js'
