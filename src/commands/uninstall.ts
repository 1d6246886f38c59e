import {Flags} from '@oclif/core'
import {lstat, readdir, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {HactlCommand} from '../cli/base-command.js'
import {PACKAGE_ROOT} from './install.js'
import {ADMIN_UNIT_DIR, VENDOR_UNIT_DIR} from '../install/unit.js'

export interface UninstallResult {root: string, removed: string[]}

export default class Uninstall extends HactlCommand<UninstallResult> {
  static override summary = 'Remove what hactl install wrote: the unit, its boot symlink and the man pages (configuration and state stay).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --root /tmp/pkg']
  static override flags = {root: Flags.string({summary: 'The directory install used.', default: '/'})}

  async run(): Promise<UninstallResult> {
    const {flags} = await this.parse(Uninstall)
    const root = flags.root
    const candidates = [join(root, ADMIN_UNIT_DIR, 'multi-user.target.wants/hactl.service'), join(root, ADMIN_UNIT_DIR, 'hactl.service'), join(root, VENDOR_UNIT_DIR, 'hactl.service')]
    for (const page of await readdir(join(PACKAGE_ROOT, 'man'))) {
      const section = /\.(\d)$/.exec(page)?.[1]
      if (section) candidates.push(join(root, 'usr/share/man', `man${section}`, page))
    }
    const removed: string[] = []
    for (const path of candidates) {
      // lstat: a dangling symlink is still ours to remove.
      const present = await lstat(path).then(() => true, () => false)
      if (!present) continue
      await rm(path, {force: true})
      removed.push(path)
    }
    if (root === '/') {
      const {execa} = await import('execa')
      await execa('systemctl', ['daemon-reload'], {reject: false})
    }
    this.say(removed.length ? `removed ${removed.join(', ')}` : 'nothing was installed')
    return {root, removed}
  }
}
