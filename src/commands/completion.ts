import {Args} from '@oclif/core'
import {HactlCommand} from '../cli/base-command.js'
import {bashScript} from '../cli/complete-names.js'

export default class Completion extends HactlCommand<{script: string}> {
  static override summary = 'Print a bash script completing resource and node names (with the autocomplete plugin\'s commands and flags).'
  static override description = `'hactl autocomplete bash|zsh' sets up completion of commands and flags. For resource and node names in bash, add after it: source <(hactl completion bash). Names come from the local daemon (or from the -f FILE on the command line being completed).`
  static override examples = ['source <(<%= config.bin %> <%= command.id %> bash)']
  static override args = {shell: Args.string({name: 'SHELL', required: true, options: ['bash'], description: 'bash (zsh: commands and flags only, through hactl autocomplete zsh).'})}

  async run(): Promise<{script: string}> {
    await this.parse(Completion)
    const commands = this.config.commands.filter((c) => !c.hidden).map((c) => ({id: c.id, args: Object.values(c.args ?? {}).map((a) => a.name)}))
    const script = bashScript(commands)
    if (!this.jsonEnabled()) process.stdout.write(script)
    return {script}
  }
}
