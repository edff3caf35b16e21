/**
 * `buildSpec`: a process's inputs, outputs, exit codes and signals, checked once; the ports are
 * built into `PortNamespace`s named `inputs` and `outputs`.
 */
import type * as t from 'io-ts'
import { buildNamespace } from './build.js'
import type { NamespaceDescription } from './describe.js'
import type {
  Fields,
  NamespaceDescriptor,
  NamespaceOptions,
  NamespaceOptionsFor,
  NoOptions,
} from './descriptors.js'
import type { InputsOf } from './infer.js'
import { SpecError } from './errors.js'
import type { PortNamespace } from './namespace.js'

/** An exit code as declared: a status (a non-negative integer, unique in the spec) and a message. */
export interface ExitCodeDefinition {
  readonly status: number
  readonly message: string
}

/** The exit codes of a spec, by label. */
export type ExitCodeDefinitions = { readonly [label: string]: ExitCodeDefinition }

/** An exit code as built: its label with its status and message. */
export interface ExitCode<L extends string = string> {
  readonly label: L
  readonly status: number
  readonly message: string
}

/** The built exit codes, one per declared label. */
export type ExitCodesOf<X> = { readonly [L in keyof X & string]: ExitCode<L> }

/**
 * A signal the process accepts, as the spec sees it: its name and the codec its payload is
 * checked with where it enters (`signal(...)` of plumpy-ts's commands makes them).
 */
export interface SignalDeclaration {
  readonly _tag: 'Signal'
  readonly name: string
  readonly codec: { decode(input: unknown): t.Validation<unknown> }
}

/** The JSON description of a spec, in the shape plumpy's `get_description()` has. */
export interface SpecDescription {
  readonly inputs: NamespaceDescription
  readonly outputs: NamespaceDescription
  readonly exit_codes?: { readonly [label: string]: ExitCodeDefinition }
  /** The names of the signals it declares, when it declares any. */
  readonly signals?: readonly string[]
}

/** What `buildSpec` takes. Every part is optional. */
export interface SpecDefinition<I, O, X, IO, OO> {
  readonly inputs?: I
  readonly outputs?: O
  readonly exitCodes?: X
  /**
   * The signals the process accepts. When given, a signal of another name is refused where it
   * enters, and a payload is checked by its declared codec even before a step waits for it.
   */
  readonly signals?: readonly SignalDeclaration[]
  /** Options of the root `inputs` namespace (to make it dynamic, give it a validator...). */
  readonly inputsOptions?: IO
  /** Options of the root `outputs` namespace. */
  readonly outputsOptions?: OO
}

/**
 * A built process spec. `I` and `O` are the descriptors of the root namespaces: they carry the
 * static types (`InputsOf<I>`, `OutputPath<O>`...). `PI` is `InputsOf<I>`, computed once where
 * the spec type is written rather than inside this interface (see `PortNamespace`).
 */
export interface ProcessSpec<
  I = NamespaceDescriptor,
  O = NamespaceDescriptor,
  X = ExitCodeDefinitions,
  PI = InputsOf<I>,
> {
  readonly inputs: PortNamespace<PI, I>
  readonly outputs: PortNamespace<Readonly<Record<string, unknown>>, O>
  readonly exitCodes: ExitCodesOf<X>
  /** The declared signals, by name; undefined when the spec declares none (any name is taken). */
  readonly signals: ReadonlyMap<string, SignalDeclaration> | undefined
  /**
   * The spec as a JSON tree: `{ inputs, outputs }`, plus `exit_codes` and `signals` when there
   * are any.
   */
  getDescription(): SpecDescription
  /** `JSON.stringify(spec)` is the description. */
  toJSON(): SpecDescription
}

type NoFields = Readonly<Record<never, never>>

const buildExitCodes = (definitions: ExitCodeDefinitions): ExitCodesOf<ExitCodeDefinitions> => {
  const codes: Record<string, ExitCode> = {}
  const labelsByStatus = new Map<number, string>()
  for (const [label, definition] of Object.entries(definitions)) {
    const { status, message } = definition
    if (!Number.isInteger(status) || status < 0) {
      throw new SpecError(
        `exitCodes.${label}: status must be a non-negative integer, got ${status}`,
      )
    }
    if (typeof message !== 'string') {
      throw new SpecError(`exitCodes.${label}: message must be a string`)
    }
    const other = labelsByStatus.get(status)
    if (other !== undefined) {
      throw new SpecError(`exitCodes.${label}: status ${status} is already used by ${other}`)
    }
    labelsByStatus.set(status, label)
    codes[label] = Object.freeze({ label, status, message })
  }
  return Object.freeze(codes)
}

const buildSignals = (
  declared: readonly SignalDeclaration[] | undefined,
): ReadonlyMap<string, SignalDeclaration> | undefined => {
  if (declared === undefined) return undefined
  const byName = new Map<string, SignalDeclaration>()
  declared.forEach((declaration, index) => {
    if (declaration?._tag !== 'Signal')
      throw new SpecError(`signals[${index}]: expected a signal made by signal(name, codec)`)
    if (byName.has(declaration.name))
      throw new SpecError(`signals[${index}]: '${declaration.name}' is declared twice`)
    byName.set(declaration.name, declaration)
  })
  return byName
}

/**
 * Builds a process spec from its definition.
 *
 * @throws SpecError for a bad definition (an invalid default, a dotted name crossing a port, a
 *   bad exit code...), with the dotted path of the port and the reason.
 *
 * @example
 * const spec = buildSpec({
 *   inputs: {
 *     input1: input(t.string, { help: 'A help string' }),
 *     input2: namespace({ input2a: input(), input2b: input(t.unknown, { default: 'default' }) }),
 *   },
 *   outputs: { output1: output(), output2: namespace({ output2a: output(), output2b: output() }) },
 *   exitCodes: { ERROR_NEGATIVE: { status: 300, message: 'the number is negative' } },
 * })
 */
export function buildSpec<
  const I extends Fields = NoFields,
  const O extends Fields = NoFields,
  const X extends ExitCodeDefinitions = NoFields,
  const IO extends NamespaceOptionsFor<I> = NoOptions,
  const OO extends NamespaceOptionsFor<O> = NoOptions,
>(
  definition: SpecDefinition<I, O, X, IO, OO>,
): ProcessSpec<NamespaceDescriptor<I, IO>, NamespaceDescriptor<O, OO>, X>
// The implementation works on wide types: the generic signature above only adds static types.
export function buildSpec(
  definition: SpecDefinition<
    Fields,
    Fields,
    ExitCodeDefinitions,
    NamespaceOptions,
    NamespaceOptions
  >,
): ProcessSpec {
  const root = (name: string, fields: Fields | undefined, options: NamespaceOptions | undefined) =>
    buildNamespace(name, name, {
      _tag: 'NamespaceDescriptor',
      fields: Object.freeze({ ...fields }),
      options: Object.freeze({ ...options }),
    })
  const inputs = root('inputs', definition.inputs, definition.inputsOptions)
  const outputs = root('outputs', definition.outputs, definition.outputsOptions)
  const exitCodes = buildExitCodes(definition.exitCodes ?? {})
  const signals = buildSignals(definition.signals)
  const getDescription = (): SpecDescription => {
    const described = { inputs: inputs.description(), outputs: outputs.description() }
    const codes = Object.values(exitCodes)
    const named = signals === undefined ? {} : { signals: [...signals.keys()] }
    if (codes.length === 0) return { ...described, ...named }
    const exit_codes: Record<string, ExitCodeDefinition> = {}
    for (const code of codes)
      exit_codes[code.label] = { status: code.status, message: code.message }
    return { ...described, exit_codes, ...named }
  }
  return Object.freeze({
    inputs,
    outputs,
    exitCodes,
    signals,
    getDescription,
    toJSON: getDescription,
  })
}
