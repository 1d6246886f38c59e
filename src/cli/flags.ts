import {Flags} from '@oclif/core'

// Flags shared by many commands. Paths default to design.md's and follow the
// HACTL_* environment variables, so several nodes can share one machine in tests.

export const fileFlag = Flags.string({
  char: 'f',
  summary: 'Work on this resource configuration file offline instead of the live cluster (like pcs -f).',
  helpGroup: 'GLOBAL',
})

export const configDirFlag = Flags.string({
  summary: 'Directory of cluster.json and the authkey.',
  env: 'HACTL_CONFIG_DIR',
  default: '/etc/hactl',
  helpGroup: 'GLOBAL',
})

export const stateDirFlag = Flags.string({
  summary: 'Directory of the node\'s persistent state (replicated configuration).',
  env: 'HACTL_STATE_DIR',
  default: '/var/lib/hactl',
  helpGroup: 'GLOBAL',
})

export const runDirFlag = Flags.string({
  summary: 'Directory of the daemon\'s control socket.',
  env: 'HACTL_RUN_DIR',
  default: '/run/hactl',
  helpGroup: 'GLOBAL',
})

export const simulateFlag = Flags.boolean({
  summary: 'Print the transition this change would cause and change nothing.',
})

export const ifEpochFlag = Flags.integer({
  summary: 'Apply the change only if the configuration is still at this epoch (compare-and-set).',
  min: 0,
})

/** The flags of every command that reads or edits the resource configuration. */
export const configFlags = {file: fileFlag, 'run-dir': runDirFlag}

/** The flags of every command that edits it. */
export const editFlags = {...configFlags, simulate: simulateFlag, 'if-epoch': ifEpochFlag}

export const waitFlag = Flags.boolean({summary: 'On the live cluster, wait until the change has been carried out, showing each action.'})
export const timeoutFlag = Flags.integer({summary: 'With --wait: give up after this many seconds.', default: 60, min: 1})
