/**
 * B3c: the bytes of one checkpoint of the B3 chain (ctx = { i }) taken mid-loop, as the stores
 * write it (`JSON.stringify(encodeCheckpoint(bundle(process)))`, UTF-8), and the size of one
 * increment: the patch between two successive checkpoints (`diffJson`), in the compact form the
 * incremental stores write (`encodePatches`) and as plain `JSON.stringify` of the patches.
 */
import { Runner, bundle, encodeCheckpoint, silentLogger } from '../lib/index.js'
import { diffJson, encodePatches } from '../lib/persistence/patches.js'
import { Loop } from './definitions.js'
import { check, runIfMain, untimed, type WorkloadArgs } from './harness.js'

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

export const main = async (args: WorkloadArgs) => {
  const n = args.smoke ? 50 : 1_000
  const middle = n / 2
  // The checkpoints taken at the entries into RUNNING after steps middle-1 … middle+2.
  const texts = new Map<number, string>()
  const runner = new Runner({ logger: silentLogger })
  runner.use({
    stateChanged(process, _from, to) {
      const i = (process.ctx as { i: number }).i
      if (to === 'RUNNING' && i >= middle - 1 && i <= middle + 2)
        texts.set(i, JSON.stringify(encodeCheckpoint(bundle(process))))
    },
  })
  await Loop.create({ n }, { runner }).execute()
  const taken = [...texts.entries()].sort(([a], [b]) => a - b).map(([, text]) => text)
  check(taken.length === 4, 'four successive mid-loop checkpoints')
  const wholes = taken.map(bytes)
  const patches = taken
    .slice(1)
    .map((text, k) => diffJson(JSON.parse(taken[k] as string), JSON.parse(text)))
  const compact = patches.map((p) => bytes(encodePatches(p)))
  const plain = patches.map((p) => bytes(JSON.stringify(p)))
  const sample = taken[1] as string
  const fields = Object.fromEntries(
    Object.entries(JSON.parse(sample) as Record<string, unknown>).map(([key, value]) => [
      key,
      bytes(JSON.stringify({ [key]: value })) - 2,
    ]),
  )
  return [
    untimed(
      {
        id: 'B3c-whole',
        what: `bytes of one whole checkpoint, loop chain at i = ${middle} of ${n}`,
        unit: 'B',
        better: 'lower',
        details: {
          checkpoint: sample,
          bytesByField: fields,
          counted: 'UTF-8 bytes of the JSON text',
        },
      },
      wholes,
    ),
    untimed(
      {
        id: 'B3c-increment',
        what: 'bytes of one increment (diffJson of successive checkpoints, encodePatches form)',
        unit: 'B',
        better: 'lower',
        details: {
          increment: encodePatches(patches[0] ?? []),
          plainJsonBytes: plain,
          plainJson: JSON.stringify(patches[0]),
          counted:
            'UTF-8 bytes of encodePatches(diffJson(previous, next)); plainJsonBytes is JSON.stringify of the patches',
        },
      },
      compact,
    ),
  ]
}

runIfMain(import.meta.url, main)
