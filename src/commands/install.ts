import {Flags} from '@oclif/core'
import {copyFile, mkdir, readdir, symlink, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {HactlCommand} from '../cli/base-command.js'
import {unitText} from '../install/unit.js'
import {writeFileAtomic} from '../store/atomic-file.js'

export interface InstallResult {root: string, files: string[], enabled: boolean}

export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export default class Install extends HactlCommand<InstallResult> {
  static override summary = 'Install the systemd unit hactl.service and the man pages (into --root for packaging).'
  static override description = 'ExecStart runs this installation of hactl with this Node.js. With --enable the unit starts at boot (systemctl enable, or the wants/ symlink under --root).'
  static override examples = ['<%= config.bin %> <%= command.id %> --enable', '<%= config.bin %> <%= command.id %> --root /tmp/pkg']
  static override flags = {
    root: Flags.string({summary: 'Install under this directory instead of /.', default: '/'}),
    enable: Flags.boolean({summary: 'Start the unit at boot.'}),
  }

  async run(): Promise<InstallResult> {
    const {flags} = await this.parse(Install)
    const root = flags.root
    const unitDir = join(root, 'etc/systemd/system')
    const unit = join(unitDir, 'hactl.service')
    await mkdir(unitDir, {recursive: true})
    await writeFileAtomic(unit, unitText({node: process.execPath, bin: join(PACKAGE_ROOT, 'bin/run.js')}), 0o644)
    const files = [unit]
    for (const page of await readdir(join(PACKAGE_ROOT, 'man'))) {
      const section = /\.(\d)$/.exec(page)?.[1]
      if (!section) continue
      const dir = join(root, 'usr/share/man', `man${section}`)
      await mkdir(dir, {recursive: true})
      await copyFile(join(PACKAGE_ROOT, 'man', page), join(dir, page))
      files.push(join(dir, page))
    }
    let enabled = false
    if (flags.enable) {
      const wants = join(unitDir, 'multi-user.target.wants')
      await mkdir(wants, {recursive: true})
      await rm(join(wants, 'hactl.service'), {force: true})
      await symlink(root === '/' ? '/etc/systemd/system/hactl.service' : unit, join(wants, 'hactl.service'))
      files.push(join(wants, 'hactl.service'))
      enabled = true
    }
    if (root === '/') {
      const {execa} = await import('execa')
      await execa('systemctl', ['daemon-reload'], {reject: false})
    }
    this.say(`installed ${files.join(', ')}${enabled ? '; enabled at boot' : ''}`)
    return {root, files, enabled}
  }
}
