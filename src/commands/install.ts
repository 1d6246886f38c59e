import {Flags} from '@oclif/core'
import {copyFile, mkdir, readdir, rm, symlink} from 'node:fs/promises'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {HactlCommand} from '../cli/base-command.js'
import {ADMIN_UNIT_DIR, unitText, VENDOR_UNIT_DIR} from '../install/unit.js'
import {writeFileAtomic} from '../store/atomic-file.js'

export interface InstallResult {root: string, files: string[], enabled: boolean}

export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Where the unit goes: the administrator's directory on this system, systemd's vendor directory in a package root. */
export function unitDirOf(root: string): string {
  return join(root, root === '/' ? ADMIN_UNIT_DIR : VENDOR_UNIT_DIR)
}

/** A symlink whose target is relative to where the link is, so the tree can be moved (a package, an image). */
async function relativeLink(target: string, link: string): Promise<void> {
  await mkdir(dirname(link), {recursive: true})
  await rm(link, {force: true})
  await symlink(relative(dirname(link), target), link)
}

export default class Install extends HactlCommand<InstallResult> {
  static override summary = 'Install the systemd unit hactl.service and the man pages (into --root for packaging).'
  static override description = `On this system (--root /, the default) the unit goes to /etc/systemd/system and ExecStart runs this installation of hactl with this Node.js. With --root DIR (a package or image tree) it goes where a package ships units, DIR/usr/lib/systemd/system, the man pages to DIR/usr/share/man, every link is relative, and --exec says how the installed system runs hactl (default /usr/bin/hactl).
The unit is Type=notify (READY once the daemon has joined the membership), KillMode=process (a daemon restart leaves the resource guard and the agents' services alone), TasksMax=infinity; see hactl.conf(5).
With --enable the unit starts at boot (systemctl enable, or the multi-user.target.wants link under --root).`
  static override examples = ['<%= config.bin %> <%= command.id %> --enable', '<%= config.bin %> <%= command.id %> --root /tmp/pkg --exec /usr/bin/hactl']
  static override flags = {
    root: Flags.string({summary: 'Install under this directory instead of / (packaging): unit in usr/lib/systemd/system, relative links.', default: '/'}),
    exec: Flags.string({summary: 'The command that runs hactl on the installed system (default: this installation on /, /usr/bin/hactl under --root).'}),
    enable: Flags.boolean({summary: 'Start the unit at boot.'}),
  }

  async run(): Promise<InstallResult> {
    const {flags} = await this.parse(Install)
    const root = flags.root
    const unitDir = unitDirOf(root)
    const unit = join(unitDir, 'hactl.service')
    const exec = flags.exec ?? (root === '/' ? `${process.execPath} ${join(PACKAGE_ROOT, 'bin/run.js')}` : '/usr/bin/hactl')
    await mkdir(unitDir, {recursive: true})
    await writeFileAtomic(unit, unitText({exec}), 0o644)
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
      // As systemctl enable does: a link in /etc/systemd/system/multi-user.target.wants.
      const link = join(root, ADMIN_UNIT_DIR, 'multi-user.target.wants', 'hactl.service')
      await relativeLink(unit, link)
      files.push(link)
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
