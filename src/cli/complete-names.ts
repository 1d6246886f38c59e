// Completion of resource and node names for bash (hactl completion bash): which
// argument of which command takes which kind of name, the script, and the fast
// `hactl __complete KIND [-f FILE]` that prints the names (no oclif loaded).

export type NameKind = 'resource' | 'node' | '-'

/** The kind of name each positional argument takes, from the commands' own argument names. */
export function argumentKinds(id: string, argNames: string[]): NameKind[] {
  const creates = id.startsWith('resource:add:') || id === 'stonith:create' || id === 'node:add' || id === 'resource:clone'
  return argNames.map((name, i) => {
    if (id.startsWith('cluster:')) return '-' // NODE=ADDR, not a name to complete
    if (name === 'node') return 'node'
    if (name === 'name' && id === 'node:remove') return 'node'
    if (name === 'resource' || name === 'withResource') return 'resource'
    if (name === 'group') return id === 'resource:group:add' ? '-' : 'resource'
    if (name === 'name' && i === 0 && !creates && (id.startsWith('resource:') || id.startsWith('stonith:'))) return 'resource'
    if (name === 'name' && i === 0 && id === 'resource:clone') return 'resource'
    return '-'
  })
}

/** The bash script: resource and node names where a command takes them, the autocomplete plugin's completion elsewhere. */
export function bashScript(commands: Array<{id: string, args: string[]}>): string {
  const cases = commands
    .map((c) => ({id: c.id, kinds: argumentKinds(c.id, c.args)}))
    .filter((c) => c.kinds.some((k) => k !== '-'))
    .map((c) => `    ${c.id}) echo "${c.kinds.join(' ')}" ;;`)
  return `# hactl: completion of resource and node names (bash). Load it after the
# autocomplete plugin's setup:  source <(hactl completion bash)
__hactl_arg_kinds() {
  case "$1" in
${cases.join('\n')}
    *) return 1 ;;
  esac
}

__hactl_names() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" i w file="" words=()
  [[ "$cur" == -* ]] && return 1
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$w" == "-f" || "$w" == "--file" ]]; then file="\${COMP_WORDS[i+1]}"; ((i++)); continue; fi
    [[ "$w" == -* ]] && continue
    words+=("$w")
  done
  local n=\${#words[@]} k id kinds kind
  for ((k = n; k >= 1; k--)); do
    id=$(IFS=:; echo "\${words[*]:0:k}")
    kinds=$(__hactl_arg_kinds "$id") || continue
    kinds=($kinds)
    kind="\${kinds[n-k]}"
    [[ -z "$kind" || "$kind" == "-" ]] && return 1
    COMPREPLY=($(compgen -W "$(hactl __complete "$kind" \${file:+-f "$file"} 2>/dev/null)" -- "$cur"))
    return 0
  done
  return 1
}

__hactl_complete() {
  __hactl_names && return 0
  if declare -F _hactl_autocomplete >/dev/null; then _hactl_autocomplete; fi
}

complete -F __hactl_complete hactl
`
}

/** Prints the names of a kind, from -f FILE or the local daemon (a short timeout: this runs on Tab). */
export async function completeNames(argv: string[]): Promise<number> {
  const [kind, flag, file] = argv
  if (kind !== 'resource' && kind !== 'node') return 2
  try {
    let names: string[]
    if ((flag === '-f' || flag === '--file') && file) {
      const {readConfigFile} = await import('../store/config-file.js')
      const config = await readConfigFile(file)
      names = kind === 'resource' ? [...config.resources, ...config.groups, ...config.clones].map((r) => r.id) : config.nodes.map((n) => n.name)
    } else {
      process.env.HACTL_TIMEOUT ??= '1'
      const {callDaemon} = await import('../client/client.js')
      const runDir = process.env.HACTL_RUN_DIR ?? '/run/hactl'
      if (kind === 'node') names = (await callDaemon(runDir, 'status', {})).nodes.map((n) => n.name)
      else {
        const config = await callDaemon(runDir, 'config.get', {})
        names = [...config.resources, ...config.groups, ...config.clones].map((r) => r.id)
      }
    }
    process.stdout.write(names.length ? `${names.join('\n')}\n` : '')
    return 0
  } catch {
    return 1
  }
}
