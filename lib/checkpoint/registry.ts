/**
 * The definition registry: the only way a checkpoint finds its code. A checkpoint names a
 * definition (name, version, structure hash); the registry resolves that name among definitions
 * registered explicitly, runs the registered migrations when the versions differ, and otherwise
 * says exactly what does not match. Nothing in a checkpoint can make the loader run other code.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ProcessDefinition } from '../process/definition.js'
import type { Position } from '../process/position.js'
import { stampOf, type Bundle } from './bundle.js'
import { decodeCheckpoint, encodeCheckpoint, type CheckpointJson } from './codec.js'
import { CheckpointError } from './errors.js'
import { waitsOnItself } from './waits.js'

/**
 * Moves a checkpoint's JSON from one version of a definition to the next. It works on data only
 * (rename a context key, move a cursor…) and must return the new JSON.
 */
export interface Migration {
  readonly from: number
  readonly to: number
  readonly description?: string
  readonly migrate: (checkpoint: CheckpointJson) => CheckpointJson
}

interface Entry {
  readonly definition: ProcessDefinition
  readonly migrations: readonly Migration[]
}

/**
 * A checkpoint resolved against the registry: its definition, its (migrated) bundle, and its
 * inputs decoded and checked by the definition's ports, ready to host as a process.
 */
export interface Resolved {
  readonly definition: ProcessDefinition
  readonly bundle: Bundle
  readonly inputs: unknown
}

/** Definitions by name, with their migrations. */
export class DefinitionRegistry {
  private readonly entries = new Map<string, Entry>()

  /** A registry holding these definitions. */
  static of(...definitions: ProcessDefinition[]): DefinitionRegistry {
    const registry = new DefinitionRegistry()
    for (const definition of definitions) registry.register(definition)
    return registry
  }

  /**
   * Register the current version of a definition, with the migrations that bring older
   * checkpoints up to it. Registering a second definition under the same name is an error.
   */
  register(
    definition: ProcessDefinition,
    options: { migrations?: readonly Migration[] } = {},
  ): this {
    for (const m of options.migrations ?? [])
      if (m.to <= m.from)
        throw new Error(
          `${definition.name}: a migration must go forward (got ${m.from} -> ${m.to})`,
        )
    const existing = this.entries.get(definition.name)
    if (existing !== undefined && existing.definition !== definition)
      throw new Error(`a definition named '${definition.name}' is already registered`)
    this.entries.set(definition.name, { definition, migrations: options.migrations ?? [] })
    return this
  }

  /** The registered definition of that name. */
  get(name: string): ProcessDefinition | undefined {
    return this.entries.get(name)?.definition
  }

  /** Every registered definition. */
  definitions(): ProcessDefinition[] {
    return [...this.entries.values()].map((e) => e.definition)
  }

  /**
   * Find a checkpoint's definition, bring the checkpoint to its version, and check it as data
   * received from outside: it must not wait on itself, its position must be one of the
   * definition's, and its inputs must pass the ports' codecs and validators.
   */
  resolve(bundle: Bundle, tag?: string): E.Either<CheckpointError, Resolved> {
    const loop = waitsOnItself(bundle, tag)
    if (loop !== undefined) return E.left(loop)
    const stamp = bundle.definition
    const entry = this.entries.get(stamp.name)
    const error = (problem: CheckpointError['problem'], reason: string) =>
      E.left(new CheckpointError(problem, bundle.pid, tag, reason))
    if (entry === undefined)
      return error(
        'unknown-definition',
        `no definition named '${stamp.name}' is registered (known: ${[...this.entries.keys()].join(', ') || 'none'})`,
      )
    const current = stampOf(entry.definition)
    if (stamp.version === current.version) {
      if (stamp.hash !== current.hash)
        return error(
          'structure-mismatch',
          `${stamp.name}@${stamp.version} changed shape since the checkpoint was taken ` +
            `(structure ${stamp.hash}, now ${current.hash}: ${entry.definition.body.structure}); ` +
            `give the definition a new version and a migration`,
        )
      return checked(entry.definition, bundle, tag)
    }
    const migrated = this.migrate(bundle, entry, tag)
    return E.isLeft(migrated) ? migrated : checked(entry.definition, migrated.right, tag)
  }

  private migrate(bundle: Bundle, entry: Entry, tag?: string): E.Either<CheckpointError, Bundle> {
    const target = stampOf(entry.definition)
    let json = encodeCheckpoint(bundle)
    let version = bundle.definition.version
    const path: string[] = []
    while (version !== target.version) {
      const step = entry.migrations.find((m) => m.from === version)
      if (step === undefined)
        return E.left(
          new CheckpointError(
            'version-mismatch',
            bundle.pid,
            tag,
            `checkpoint of ${target.name}@${bundle.definition.version} cannot be loaded by ${target.name}@${target.version}: ` +
              `no migration from version ${version}${path.length > 0 ? ` (ran ${path.join(', ')})` : ''}; ` +
              differences(bundle, entry.definition),
          ),
        )
      try {
        json = { ...step.migrate(json), def: `${target.name}@${step.to}#${target.hash}` }
      } catch (cause) {
        return E.left(
          new CheckpointError(
            'migration-failed',
            bundle.pid,
            tag,
            `migration ${step.from}->${step.to} failed: ${String(cause)}`,
          ),
        )
      }
      path.push(`${step.from}->${step.to}`)
      version = step.to
    }
    const decoded = decodeCheckpoint(json, {
      pid: bundle.pid,
      ...(tag === undefined ? {} : { tag }),
    })
    if (E.isLeft(decoded)) return decoded
    // Children and stores find a process by its pid: a migration that changed it would orphan
    // the checkpoint's children and save the process under another name.
    if (decoded.right.pid !== bundle.pid)
      return E.left(
        new CheckpointError(
          'migration-failed',
          bundle.pid,
          tag,
          `migrations ${path.join(', ')} changed the pid to '${decoded.right.pid}': a migration must keep the pid`,
        ),
      )
    const loop = waitsOnItself(decoded.right, tag)
    return loop === undefined ? E.right(decoded.right) : E.left(loop)
  }
}

/**
 * What differs between a checkpoint and a definition of another version, for the error that
 * asks for a migration: the outline, the position, the inputs. The checkpoint holds only a hash
 * of its outline, so a changed outline is shown as it is now.
 */
const differences = (bundle: Bundle, definition: ProcessDefinition): string => {
  const was = bundle.definition
  const now = stampOf(definition)
  const target = `${definition.name}@${definition.version}`
  const found: string[] = [
    was.hash === now.hash
      ? `the outline is unchanged (structure ${now.hash})`
      : `the outline changed (structure ${was.hash}, now ${now.hash}: ${definition.body.structure})`,
  ]
  const position = livePosition(bundle)
  if (position !== undefined) {
    const problem = definition.body.checkPosition(position)
    found.push(
      problem === undefined
        ? `its position ${positionText(position)} is one of ${target}'s`
        : `its position ${positionText(position)} is not one of ${target}'s (${problem})`,
    )
  }
  const inputs = definition.spec.inputs.parse(bundle.rawInputs)
  if (E.isLeft(inputs)) {
    const shown = inputs.left.slice(0, 3).map((e) => `${e.path}: ${e.message}`)
    if (inputs.left.length > 3) shown.push(`and ${inputs.left.length - 3} more`)
    found.push(`its inputs do not fit ${target} (${shown.join('; ')})`)
  } else found.push(`its inputs fit ${target}`)
  return found.join('; ')
}

/** A live checkpoint's position (a terminal one has none). */
const livePosition = (bundle: Bundle): Position | undefined => {
  const state = bundle.snapshot.state
  return state._tag === 'CREATED' || state._tag === 'RUNNING' || state._tag === 'WAITING'
    ? state.position
    : undefined
}

/** A definition's name and version, as messages show them: `Name@2`. */
const versionOf = (definition: ProcessDefinition): string =>
  `${definition.name}@${definition.version}`

/** A position as messages show it: `[1, 0]` or `'step'`. */
const positionText = (position: Position): string =>
  position._tag === 'Outline' ? `[${position.cursor.join(', ')}]` : `'${position.step}'`

/**
 * The resolved checkpoint, once its position is known to be one of its definition's (a cursor
 * past the outline's end or an unknown step would otherwise read as "finished" or fail later),
 * and its inputs pass the ports as if they had just been received: a stored `{"n": "x"}` for a
 * number port would otherwise run as a string.
 */
const checked = (
  definition: ProcessDefinition,
  bundle: Bundle,
  tag: string | undefined,
): E.Either<CheckpointError, Resolved> => {
  const position = livePosition(bundle)
  const problem = position === undefined ? undefined : definition.body.checkPosition(position)
  if (position !== undefined && problem !== undefined)
    return E.left(
      new CheckpointError(
        'invalid-position',
        bundle.pid,
        tag,
        `position ${positionText(position)} is outside ${versionOf(definition)}: ${problem}`,
      ),
    )
  const inputs = definition.spec.inputs.decode(bundle.inputs)
  if (E.isLeft(inputs)) {
    const problems = inputs.left.map((e) => `${e.path}: ${e.message}`).join('; ')
    return E.left(
      new CheckpointError(
        'invalid-inputs',
        bundle.pid,
        tag,
        `its inputs are not valid for ${versionOf(definition)}: ${problems}`,
      ),
    )
  }
  return E.right({ definition, bundle, inputs: inputs.right })
}
