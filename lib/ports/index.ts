/**
 * Ports, namespaces and process specs over io-ts codecs: the typed inputs and outputs of
 * processes, their defaults and validators, and the JSON description of a spec. Pure: no I/O.
 *
 * @example
 * import * as t from 'io-ts'
 * import { buildSpec, input, namespace, output } from './index.js'
 *
 * const spec = buildSpec({
 *   inputs: { x: input(t.number), options: namespace({ depth: input(t.number, { default: 1 }) }) },
 *   outputs: { result: output(t.number) },
 * })
 * spec.inputs.parse({ x: 2 }) // right({ x: 2, options: { depth: 1 } }), deeply frozen
 */
export { buildNamespace } from './build.js'
export { UNKNOWN_PORT_MESSAGE, type OutputCheck } from './check-output.js'
export {
  LAZY_DEFAULT_DESCRIPTION,
  type NamespaceAttributes,
  type NamespaceDescription,
  type PortDescription,
} from './describe.js'
export {
  exposedNamespace,
  input,
  namespace,
  output,
  type Descriptor,
  type Fields,
  type NamespaceDescriptor,
  type NamespaceOptions,
  type NamespaceOptionsFor,
  type NoOptions,
  type PortDescriptor,
  type PortOptions,
} from './descriptors.js'
export { formatValidationErrors, SpecError, type ValidationError } from './errors.js'
export {
  expose,
  type ExposeNamespaceOptions,
  type ExposeOptions,
  type ExposeSource,
} from './expose.js'
export type {
  DeepReadonly,
  InputsOf,
  NamespaceValues,
  Normalize,
  OutputPath,
  OutputPathKind,
  OutputsOf,
  OutputValue,
  OutputValues,
  RawInputsOf,
  Simplify,
} from './infer.js'
export type { ExposedFields } from './infer-expose.js'
export type { EffectiveOptions, Overridden } from './infer-options.js'
export { PortNamespace, type Port } from './namespace.js'
export type { DefaultSpec, NamespaceInfo, PortInfo } from './node.js'
export {
  buildSpec,
  type ExitCode,
  type ExitCodeDefinition,
  type ExitCodeDefinitions,
  type ExitCodesOf,
  type ProcessSpec,
  type SpecDefinition,
  type SpecDescription,
  type SignalDeclaration,
} from './spec.js'
export { REQUIRED_MESSAGE, UNEXPECTED_KEY_MESSAGE } from './validate.js'
