#!/usr/bin/env node
// Writes oclif.manifest.json from the built commands, so `hactl` starts without
// importing every command module. @oclif/core builds the manifest itself when
// it finds none; this script asks it to and saves the answer (the oclif CLI
// package would do the same, at the cost of a large dev dependency).
import {Config} from '@oclif/core'
import {rm, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const path = join(root, 'oclif.manifest.json')
await rm(path, {force: true})
const config = await Config.load({root, ignoreManifest: true})
const plugin = config.getPluginsList().find((p) => p.root === config.root)
const manifest = plugin.manifest
if (Object.keys(manifest.commands).length === 0) throw new Error('no commands found in dist/commands: build first')
await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`)
console.log(`wrote ${path} (${Object.keys(manifest.commands).length} commands)`)
