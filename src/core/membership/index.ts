export * from './types.js'
export * from './config.js'
export {MembershipMachine, sameKey} from './machine.js'
