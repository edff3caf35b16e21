/**
 * Where B8's heap per sleeping process goes: two V8 heap snapshots, at rest before and after
 * `N` `B8Sleeper` processes fell asleep on one runner (deadlines a minute away, so none fires),
 * and what the second holds more than the first, grouped by kind of object, per process, with
 * what holds each kind. Plain objects are grouped by their property names, so the snapshot, its
 * state, its position and each pending wait show apart. A tool for reading B8, not a workload:
 *
 *   npx tsx bench/b8-heap-shapes.ts [--processes 10000]
 *
 * It compiles the code as `npm run bench` does (see `compile.ts`: tsx wraps every function in a
 * naming call, which changes what a closure costs) and runs that in a fresh `node --expose-gc`.
 * The figures are self sizes, summed by kind: they add up to about B8's heap per process.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeHeapSnapshot } from 'node:v8'
import { Runner, silentLogger } from '../lib/index.js'
import { Sleeper } from './b8-timers.js'
import { collect } from './memory-at-rest.js'
import { compileForBench, compiledPath } from './compile.js'

/** The parts of a `.heapsnapshot` file read here. */
interface HeapSnapshotFile {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[]
      readonly node_types: readonly [readonly string[]]
      readonly edge_fields: readonly string[]
      readonly edge_types: readonly [readonly string[]]
    }
  }
  readonly nodes: readonly number[]
  readonly edges: readonly number[]
  readonly strings: readonly string[]
}

/** Bytes and objects of one kind. */
interface Group {
  bytes: number
  count: number
  /** By holder's kind and edge name: how many references. */
  readonly heldBy: Map<string, number>
}

/** A plain object's kind: its property names, in order (the first eight). */
const shapeOf = (file: HeapSnapshotFile, edgeStart: number, edgeCount: number): string => {
  const { edge_fields: fields, edge_types: types } = file.snapshot.meta
  const names: string[] = []
  for (let e = 0; e < edgeCount && names.length < 8; e++) {
    const at = (edgeStart + e) * fields.length
    const type = types[0][file.edges[at] as number]
    if (type === 'property' || type === 'internal')
      names.push(file.strings[file.edges[at + 1] as number] as string)
    else if (type === 'element') names.push(`[${file.edges[at + 1]}]`)
  }
  return `{${names.join(',')}}`
}

/** Self sizes of every object of a snapshot, grouped by kind, and what holds each kind. */
const groups = (path: string, holders: boolean): Map<string, Group> => {
  const file = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotFile
  const fields = file.snapshot.meta.node_fields
  const types = file.snapshot.meta.node_types[0]
  const { edge_fields: edgeFields, edge_types: edgeTypes } = file.snapshot.meta
  const [typeAt, nameAt, sizeAt, edgesAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    fields.indexOf(f),
  ) as [number, number, number, number]
  const result = new Map<string, Group>()
  const kinds: string[] = []
  let edgeStart = 0
  for (let n = 0; n < file.nodes.length; n += fields.length) {
    const type = types[file.nodes[n + typeAt] as number] as string
    const name = file.strings[file.nodes[n + nameAt] as number] as string
    const edgeCount = file.nodes[n + edgesAt] as number
    const kind =
      type === 'object' && name === 'Object'
        ? `Object ${shapeOf(file, edgeStart, edgeCount)}`
        : type === 'string' || type === 'concatenated string' || type === 'sliced string'
          ? `${type} of ${name.length} characters`
          : type === 'array'
            ? `array ${name} of ${file.nodes[n + sizeAt] as number} B`
            : `${type} ${name.slice(0, 60)}`
    kinds.push(kind)
    edgeStart += edgeCount
    const group = result.get(kind) ?? { bytes: 0, count: 0, heldBy: new Map() }
    group.bytes += file.nodes[n + sizeAt] as number
    group.count += 1
    result.set(kind, group)
  }
  if (!holders) return result
  // What holds each kind: the holder's kind and the edge's name, counted.
  let edge = 0
  for (let n = 0; n < kinds.length; n++) {
    const edgeCount = file.nodes[n * fields.length + edgesAt] as number
    for (let e = 0; e < edgeCount; e++, edge += edgeFields.length) {
      const type = edgeTypes[0][file.edges[edge] as number]
      if (type === 'weak' || type === 'shortcut') continue
      const nameOrIndex = file.edges[edge + 1] as number
      const label =
        type === 'element' || type === 'hidden' ? `[]` : (file.strings[nameOrIndex] as string)
      const held = result.get(kinds[(file.edges[edge + 2] as number) / fields.length] as string)
      const key = `${kinds[n] as string} .${label}`
      held?.heldBy.set(key, (held.heldBy.get(key) ?? 0) + 1)
    }
  }
  return result
}

/** Write a snapshot at rest; read once both are written, so that reading one adds to neither. */
const snapshot = (name: string): string => {
  collect()
  return writeHeapSnapshot(join(tmpdir(), `b8-heap-${process.pid}-${name}.heapsnapshot`))
}

const read = (path: string, holders: boolean): Map<string, Group> => {
  try {
    return groups(path, holders)
  } finally {
    rmSync(path)
  }
}

const main = async (): Promise<void> => {
  const at = process.argv.indexOf('--processes')
  const count = at === -1 ? 10_000 : Number(process.argv[at + 1])
  // Warm-up, as B8's: code and lazily built structures in place before the first snapshot.
  const warm = new Runner({ logger: silentLogger })
  await Promise.all(
    Array.from({ length: 200 }, (_, i) => Sleeper.create({ ms: i % 5 }, { runner: warm })).map(
      (p) => p.execute(),
    ),
  )
  const beforePath = snapshot('before')
  const runner = new Runner({ logger: silentLogger })
  const processes = Array.from({ length: count }, (_, i) =>
    Sleeper.create({ ms: 60_000 + (i % 1_000) }, { runner }),
  )
  const ended = processes.map((p) => p.execute())
  if (!processes.every((p) => p.state === 'WAITING')) throw new Error('not all WAITING')
  const afterPath = snapshot('after')
  const before = read(beforePath, false)
  const after = read(afterPath, true)
  const rows = [...after]
    .map(([kind, group]) => {
      const was = before.get(kind) ?? { bytes: 0, count: 0 }
      const holders = [...group.heldBy]
        .filter(([, n]) => n >= count / 2)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([holder, n]) => `${(n / count).toFixed(2)} × ${holder}`)
      return {
        kind,
        bytes: (group.bytes - was.bytes) / count,
        count: (group.count - was.count) / count,
        holders,
      }
    })
    .filter((row) => Math.abs(row.bytes) >= 1)
    .sort((a, b) => b.bytes - a.bytes)
  const total = rows.reduce((sum, row) => sum + row.bytes, 0)
  console.log(`${count} sleeping processes: ${total.toFixed(1)} B each (self sizes, grown)`)
  for (const row of rows)
    console.log(
      `${row.bytes.toFixed(1).padStart(8)} B ${row.count.toFixed(2).padStart(6)} × ${row.kind}` +
        (row.holders.length > 0 ? `\n${' '.repeat(19)}held by ${row.holders.join('; ')}` : ''),
    )
  for (const p of processes) void p.kill('heap read')
  await Promise.allSettled(ended)
}

if (process.env.B8_HEAP_SHAPES === 'compiled') await main()
else {
  compileForBench()
  const args = ['--expose-gc', compiledPath('b8-heap-shapes.ts'), ...process.argv.slice(2)]
  const ran = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, B8_HEAP_SHAPES: 'compiled' },
  })
  process.exitCode = ran.status ?? 1
}
