import {Flags} from '@oclif/core'
import {HactlCommand} from './base-command.js'
import {HactlError, inputError} from './errors.js'
import {systemdManages} from './local-daemon.js'

export interface BootResult {unit: string, enabled: boolean}

/** hactl cluster enable|disable: the local unit at boot (pcs cluster enable|disable). */
export abstract class BootCommand extends HactlCommand<BootResult> {
  static override strict = false
  static override flags = {all: Flags.boolean({summary: 'pcs\'s --all: refused, hactl has no remote agent (run it on each node).'})}
  protected abstract readonly enable: boolean

  async run(): Promise<BootResult> {
    const {argv, flags} = await this.parse(this.ctor as typeof BootCommand)
    if (flags.all || (argv as string[]).length > 0) throw inputError(`cluster ${this.enable ? 'enable' : 'disable'} acts on this node only: hactl has no remote agent (pcs uses pcsd); run it on each node`)
    if (!await systemdManages()) throw new HactlError('no-unit', 'the hactl.service unit is not installed or systemd is not running: run hactl install first', 1)
    const {execa} = await import('execa')
    const result = await execa('systemctl', [this.enable ? 'enable' : 'disable', 'hactl.service'], {reject: false})
    if (result.exitCode !== 0) throw new HactlError('systemctl-failed', `systemctl ${this.enable ? 'enable' : 'disable'} hactl.service failed: ${String(result.stderr).trim().split('\n')[0]}`, 1)
    this.say(`hactl.service ${this.enable ? 'starts' : 'no longer starts'} at boot on this node`)
    return {unit: 'hactl.service', enabled: this.enable}
  }
}
