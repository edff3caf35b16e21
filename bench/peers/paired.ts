/**
 * Paired sampling: several engines measured on one workload in one process, one run of each per
 * round, so that every engine's sample of a round saw the same minute of a shared machine; and
 * the ratio of two engines taken round by round, not from medians of different moments.
 */
import {
  measurement,
  type Description,
  type Figure,
  type Measurement,
  type Plan,
  type Samples,
  type Timing,
} from '../harness.js'

/** One engine's run of the workload: it checks its own result and returns its timing. */
export interface Contender {
  /** The engine's short name, the suffix of its rows (`ours`, `xstate`, `saga`, `dbos`). */
  readonly name: string
  /** What one run counts (steps, processes, checkpoints, commits). */
  readonly operations: number
  readonly once: () => Promise<Timing>
}

/** What a paired run measured: each contender's samples, by name, in round order. */
export type PairedSamples = ReadonlyMap<string, Samples>

/** The round's order: rotated each round so that no engine always runs first (or after another). */
const rotated = <T>(items: readonly T[], by: number): T[] =>
  items.map((_, i) => items[(i + by) % items.length] as T)

const figureOf = (figure: Figure, operations: number, ms: number): number =>
  figure === 'per-second' ? operations / (ms / 1000) : (ms * 1000) / operations

/**
 * Run `plan.warmup` rounds, then `plan.runs` timed rounds, each running every contender once;
 * every timed run becomes a figure from wall-clock and from CPU time, as `sample` does for one.
 */
export const pairedSamples = async (
  plan: Plan,
  figure: Figure,
  contenders: readonly Contender[],
): Promise<PairedSamples> => {
  const samples = new Map<string, Samples>()
  for (const { name } of contenders) {
    if (samples.has(name)) throw new Error(`two paired contenders are named '${name}'`)
    samples.set(name, { wall: [], cpu: [] })
  }
  for (let round = 0; round < plan.warmup + plan.runs; round++)
    for (const contender of rotated(contenders, round)) {
      const timing = await contender.once()
      if (round < plan.warmup) continue
      const into = samplesOf(samples, contender.name)
      into.wall.push(figureOf(figure, contender.operations, timing.ms))
      into.cpu.push(figureOf(figure, contender.operations, timing.cpuMs))
    }
  return samples
}

const samplesOf = (samples: PairedSamples, name: string): Samples => {
  const own = samples.get(name)
  if (own === undefined) throw new Error(`no samples of '${name}' in this paired run`)
  return own
}

/** One contender's samples as a measurement. */
export const contenderMeasurement = (
  samples: PairedSamples,
  name: string,
  fields: Description,
  warmup: number,
): Measurement => measurement(fields, samplesOf(samples, name), warmup)

/** Which contenders a ratio divides, and its row's id. */
export interface Ratio {
  readonly id: string
  readonly numerator: string
  readonly denominator: string
}

/**
 * `numerator ÷ denominator`, round by round (above 1: the numerator did more per second), from
 * wall-clock and from CPU time; the row's median is the median of those per-round ratios.
 */
export const ratioMeasurement = (
  samples: PairedSamples,
  ratio: Ratio,
  warmup: number,
): Measurement => {
  const top = samplesOf(samples, ratio.numerator)
  const bottom = samplesOf(samples, ratio.denominator)
  const divide = (a: readonly number[], b: readonly number[]) =>
    a.map((value, i) => value / (b[i] ?? NaN))
  return measurement(
    {
      id: ratio.id,
      what: `${ratio.numerator} ÷ ${ratio.denominator}, round by round`,
      unit: '×',
      better: 'higher',
      details: { numerator: ratio.numerator, denominator: ratio.denominator },
    },
    { wall: divide(top.wall, bottom.wall), cpu: divide(top.cpu, bottom.cpu) },
    warmup,
  )
}

/** A contender with the words of its row. */
export interface Entry extends Contender {
  /** What its figure is, in words. */
  readonly what: string
  /** Its unit, when not the workload's (the loopback commits beside durable steps). */
  readonly unit?: string
  readonly details: Readonly<Record<string, unknown>>
}

/** A paired workload: its id (`P1`), its contenders, and which of them to divide. */
export interface PairedWorkload {
  readonly id: string
  readonly unit: string
  readonly plan: Plan
  readonly contenders: readonly Entry[]
  /** `[numerator, denominator]` names; each gives the row `<id>-<numerator>/<denominator>`. */
  readonly ratios: readonly (readonly [string, string])[]
}

/** Measure the contenders round by round: a row each (`<id>-<name>`), then the ratios asked for. */
export const measurePaired = async (workload: PairedWorkload): Promise<Measurement[]> => {
  const { id, unit, plan, contenders } = workload
  const samples = await pairedSamples(plan, 'per-second', contenders)
  return [
    ...contenders.map((c) =>
      contenderMeasurement(
        samples,
        c.name,
        {
          id: `${id}-${c.name}`,
          what: c.what,
          unit: c.unit ?? unit,
          better: 'higher',
          details: { ...c.details, operations: c.operations },
        },
        plan.warmup,
      ),
    ),
    ...workload.ratios.map(([numerator, denominator]) =>
      ratioMeasurement(
        samples,
        { id: `${id}-${numerator}/${denominator}`, numerator, denominator },
        plan.warmup,
      ),
    ),
  ]
}
