export * from './votequorum.js'
