import {Flags} from '@oclif/core'
import {HactlCommand} from '../cli/base-command.js'
import {HactlError} from '../cli/errors.js'

export interface ClassicDemoResult {
  standbyMoveMs: number
  crashFailoverMs: number
  holders: {initial: string, afterStandby: string, afterCrash: string}
}

export type DemoCommandResult = ClassicDemoResult | import('../lab/demo-active-active.js').ActiveActiveResult | import('../lab/demo-postgres.js').PostgresDemoResult

export default class Demo extends HactlCommand<DemoCommandResult> {
  static override summary = 'Run a 3-node cluster in network namespaces on this machine and fail a VIP over, with the measured times.'
  static override description = `Needs root, iproute2 and nftables. It builds hosts n1..n3 as network namespaces (hactl-<run>-n1 …) on a bridge in its own namespace, starts a real daemon in each, adds a VIP (10.213.0.100) and a dummy service in a group, shows hactl status, puts the VIP's node in standby, then kills the next holder with SIGKILL and unplugs it.
Nothing outside its namespaces is touched; everything is removed at the end and on Ctrl-C.`
  static override examples = ['sudo <%= config.bin %> <%= command.id %>', 'sudo npm run demo', 'sudo <%= config.bin %> <%= command.id %> --active-active', 'sudo npm run demo:active-active',
    'sudo <%= config.bin %> <%= command.id %> --postgres', 'sudo npm run demo:postgres']
  static override flags = {
    postgres: Flags.boolean({summary: 'Instead: PostgreSQL 15 streaming replication (ocf:hactl:pgsql, replication=sync) as a promotable clone with a VIP on the primary; the primary\'s host crashes under writes, the old primary rejoins, a switchover brings it back. Needs postgresql-15.', exclusive: ['active-active']}),
    'active-active': Flags.boolean({summary: 'Instead: three nodes serving HTTP behind a balancer on a VIP (hactl resource add balancer); a client\'s requests spread over them, one backend killed, then the balancer\'s host crashed.'}),
  }

  async run(): Promise<DemoCommandResult> {
    const {flags} = await this.parse(Demo)
    try {
      if (flags.postgres) {
        const {runPostgresDemo} = await import('../lab/demo-postgres.js')
        return await runPostgresDemo((line) => this.say(line))
      }
      if (flags['active-active']) {
        const {runActiveActiveDemo} = await import('../lab/demo-active-active.js')
        return await runActiveActiveDemo((line) => this.say(line))
      }
      const {runDemo} = await import('../lab/demo.js')
      return await runDemo((line) => this.say(line))
    } catch (error) {
      throw new HactlError('demo-failed', (error as Error).message.split('\n')[0], 1)
    }
  }
}
