/** What the figures were measured on: written next to them, and printed above the table. */
import { availableParallelism, cpus, loadavg, platform, arch, release, totalmem } from 'node:os'

/** The machine, the runtime and the time of a benchmark run. */
export interface MachineInfo {
  readonly cpu: string
  readonly cores: number
  readonly availableParallelism: number
  readonly node: string
  readonly v8: string
  readonly platform: string
  readonly totalMemoryGiB: number
  readonly loadAverage: readonly [number, number, number]
  readonly date: string
}

export const machineInfo = (): MachineInfo => {
  const all = cpus()
  const [one, five, fifteen] = loadavg().map((l) => Math.round(l * 100) / 100)
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    availableParallelism: availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${release()} ${arch()}`,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: [one ?? 0, five ?? 0, fifteen ?? 0],
    date: new Date().toISOString(),
  }
}
