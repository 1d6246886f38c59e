// The XML reader lives in the core (src/core/cib/xml.ts): agents' meta-data and CIB import share it.
export * from '../core/cib/xml.js'
