// The pure core (src/core) must not reach the outside world: no I/O modules,
// no timers, no clock, no randomness, no process. This test reads the source
// text of every file under src/core and fails naming the file, line and rule.
// Comments and the text of string and template literals are ignored (a comment
// may say "never calls Math.random"); module specifiers are checked wherever a
// module is loaded (import, export ... from, import(), require()).
import assert from 'node:assert/strict'
import {isIP} from 'node:net'
import {readdir, readFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import {ipVersion} from '../../src/core/config/ip.js'

const ROOT = join(import.meta.dirname, '..', '..', 'src', 'core')

/** Node modules that do I/O, read the clock, schedule, or expose the process. */
const FORBIDDEN_MODULES = new Set([
  'fs', 'net', 'dgram', 'child_process', 'timers', 'os', 'worker_threads', 'perf_hooks', 'process', 'cluster',
  'dns', 'http', 'https', 'http2', 'tls', 'readline', 'inspector', 'async_hooks', 'v8', 'vm', 'repl', 'tty', 'module',
])

const RULES: Array<[RegExp, string]> = [
  // Calendar arithmetic on a given time (new Date(ms), Date.parse, Date.UTC) is pure; reading the clock is not.
  [/\bDate\b(?!\s*\.\s*(?:UTC|parse)\b)(?!\s*\(\s*[^)\s])/, 'Date (the clock): inject the time'],
  [/\bMath\s*(\.\s*random\b|\[)/, 'Math.random: inject a seeded random source'],
  [/\bperformance\b/, 'performance (the clock): inject the time'],
  [/\bhrtime\b/, 'process.hrtime (the clock)'],
  [/\b(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|clearImmediate|queueMicrotask)\b/, 'timers: return a deadline instead'],
  [/(?<![.\w$])process(?![\w$])/, 'process: pass what is needed in'],
  [/\bglobalThis\b|(?<![.\w$])global\s*[.[]/, 'globalThis: reaches the clock, timers and process indirectly'],
  [/\b(randomBytes|randomUUID|randomInt|randomFill|randomFillSync|getRandomValues)\b/, 'crypto randomness: pass random bytes in'],
  [/\brequire\s*\(/, 'require(): the core is ES modules'],
  [/\bimport\s*\(\s*(?!["'`])/, 'import() of a computed specifier'],
  [/\beval\s*\(|\bFunction\s*\(/, 'code from strings (eval, Function)'],
]

/** A regular expression literal may start here (after an operator, a bracket or a keyword, not after a value). */
function regexAllowedAfter(code: string): boolean {
  const before = code.trimEnd()
  if (before === '') return true
  if (/[(,=:[!&|?{};+\-*%<>~^]$/.test(before)) return true
  return /\b(return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/.test(before)
}

/**
 * Splits source into `withStrings` (comments blanked) and `code` (comments and
 * the text of string, template and regex literals blanked; template
 * expressions kept). Newlines are kept, so line numbers stay right.
 */
export function strip(source: string): {withStrings: string, code: string} {
  let withStrings = ''
  let code = ''
  const braces: number[] = [] // open-brace depth at each template expression
  let depth = 0
  let i = 0
  const blank = (text: string) => text.replace(/[^\n]/g, ' ')
  const emit = (text: string, inCode: string = text) => {
    withStrings += text
    code += inCode
  }
  const template = () => {
    // at a backtick or after the } closing an expression: literal text up to ` or ${
    let j = i + 1
    while (j < source.length) {
      if (source[j] === '\\') j += 2
      else if (source[j] === '`') {
        emit(source.slice(i, j + 1), '`' + blank(source.slice(i + 1, j)) + '`')
        i = j + 1
        return
      } else if (source[j] === '$' && source[j + 1] === '{') {
        emit(source.slice(i, j + 2), source[i] + blank(source.slice(i + 1, j)) + '${')
        i = j + 2
        braces.push(depth)
        depth++
        return
      } else j++
    }
    emit(source.slice(i), blank(source.slice(i)))
    i = source.length
  }
  while (i < source.length) {
    const c = source[i]
    const next = source[i + 1]
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i)
      const stop = end < 0 ? source.length : end
      emit(blank(source.slice(i, stop)))
      i = stop
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      const stop = end < 0 ? source.length : end + 2
      emit(blank(source.slice(i, stop)))
      i = stop
    } else if (c === '"' || c === "'") {
      let j = i + 1
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1
      emit(source.slice(i, j + 1), c + blank(source.slice(i + 1, j)) + c)
      i = j + 1
    } else if (c === '`') {
      template()
    } else if (c === '}' && braces.length > 0 && depth - 1 === braces.at(-1)) {
      braces.pop()
      depth--
      template()
    } else if (c === '/' && regexAllowedAfter(code)) {
      let j = i + 1
      let inClass = false
      while (j < source.length && source[j] !== '\n' && (inClass || source[j] !== '/')) {
        if (source[j] === '\\') j++
        else if (source[j] === '[') inClass = true
        else if (source[j] === ']') inClass = false
        j++
      }
      emit(source.slice(i, j + 1), '/' + blank(source.slice(i + 1, j)) + '/')
      i = j + 1
    } else {
      if (c === '{') depth++
      else if (c === '}') depth--
      emit(c)
      i++
    }
  }
  return {withStrings, code}
}

export interface Violation {line: number, rule: string, text: string}

export function violations(source: string): Violation[] {
  const {withStrings, code} = strip(source)
  const found: Violation[] = []
  const lineOf = (index: number) => withStrings.slice(0, index).split('\n').length
  const lines = source.split('\n')
  const specifiers = /\b(?:from|import|require)\s*\(?\s*(["'`])([^"'`]*)\1/g
  for (const m of withStrings.matchAll(specifiers)) {
    // Only where it is code: the keyword itself must survive in `code`.
    if (code.slice(m.index, m.index + 4) !== withStrings.slice(m.index, m.index + 4)) continue
    const name = m[2].replace(/^node:/, '').split('/')[0]
    if (FORBIDDEN_MODULES.has(name)) found.push({line: lineOf(m.index), rule: `imports ${m[2]}`, text: lines[lineOf(m.index) - 1].trim()})
  }
  code.split('\n').forEach((line, index) => {
    for (const [pattern, rule] of RULES) if (pattern.test(line)) found.push({line: index + 1, rule, text: lines[index].trim()})
  })
  return found
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true})
  const nested = await Promise.all(entries.map((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(path)
    return Promise.resolve(/\.(ts|js|mts|cts|mjs|cjs)$/.test(e.name) ? [path] : [])
  }))
  return nested.flat()
}

describe('the pure core stays pure', () => {
  it('no file under src/core imports I/O or uses timers, the clock, randomness or process', async () => {
    const files = await sourceFiles(ROOT)
    assert.ok(files.length > 20, `found ${files.length} files under ${ROOT}`)
    const problems: string[] = []
    for (const file of files) {
      for (const v of violations(await readFile(file, 'utf8'))) problems.push(`src/core/${relative(ROOT, file)}:${v.line}: ${v.rule}: ${v.text}`)
    }
    assert.deepEqual(problems, [], `impure code in the core:\n${problems.join('\n')}`)
  })

  describe('the scanner', () => {
    const flagged = (source: string) => violations(source).map((v) => v.rule)
    const bad = [
      'const t = Date.now()', 'const d = new Date()', 'const d = new Date ( )', 'const s = Date()', 'const {now} = Date', "import {readFile} from 'node:fs/promises'", 'import x from "fs"',
      "export * from 'node:os'", "const m = await import('node:net')", "const cp = require('child_process')", 'globalThis.setTimeout(f, 1)',
      "Math['random']()", 'Math . random()', 'setTimeout(f, 1)', 'const e = process.env.X', 'performance.now()', "import {setTimeout} from 'timers/promises'",
      'const r = /\'/; const t = Date.now()', 'const s = `${Date.now()}`', 'const s = `a ${`b ${Math.random()}`} c`', "import {randomBytes} from 'node:crypto'; randomBytes(4)",
      "import {Worker} from 'worker_threads'", "import {send} from 'node:dgram'", 'queueMicrotask(f)', 'eval("1")', 'const x = a / b; const t = Date.now() / 2',
      "import type {Stats} from 'node:fs'",
    ]
    for (const source of bad) it(`flags: ${source}`, () => assert.notDeepEqual(flagged(source), []))
    const good = [
      '// never calls Math.random or Date.now()', '/* setTimeout(process.exit) */', "const s = 'Date.now() and process'", 'const s = `Math.random() ${x} setTimeout`',
      'const t = Date.UTC(2024, 0, 1)', 'x.process(y)', "import {createHmac} from 'node:crypto'", "import {a} from './fs.js'", 'const re = /Date.now()/g',
      'const half = a / 2 / b', "const text = 'it\\'s // not a comment'; const y = 1",
      'const d = new Date(ms)', "const t = Date.parse('2026-12-24T18:00:00Z')",
    ]
    for (const source of good) it(`passes: ${source}`, () => assert.deepEqual(flagged(source), []))
  })

  it('the core\'s IP address check agrees with node:net', () => {
    const cases = ['1.2.3.4', '01.2.3.4', '256.1.1.1', '1.2.3', '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fe80::1%eth0', 'fe80::1%',
      '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4', ':1::', '1:::2', '12345::', 'ff02::1', '', '1.2.3.4 ', '1.2.3.4%x',
      ':::', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4::5:6:7:8', '1::1.2.3.4.5', 'g::1', '10.213.0.1', '239.255.1.1']
    for (const c of cases) assert.equal(ipVersion(c), isIP(c), JSON.stringify(c))
  })
})
