/**
 * Loading the user's definitions for the command line: a module that exports definitions (and,
 * optionally, a `registry` with migrations). The module is named by the user on the command line;
 * checkpoints never name code.
 *
 * A TypeScript module (`.ts`, `.mts`, `.cts`) loads as it is when the program already runs under
 * a TypeScript loader (`node --import tsx`, or a Node that strips types); otherwise through tsx,
 * an optional peer dependency, when it is installed; otherwise the error says what to do.
 */
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DefinitionRegistry } from '../checkpoint/registry.js'
import type { ProcessDefinition } from '../process/definition.js'
import { CliError } from './errors.js'

/** The registry a definitions module provides. */
export const loadRegistry = async (modulePath: string): Promise<DefinitionRegistry> => {
  const module = await importDefinitions(modulePath)
  const exported =
    module['registry'] ?? (module['default'] as Record<string, unknown> | undefined)?.['registry']
  if (exported instanceof DefinitionRegistry) return exported
  const registry = new DefinitionRegistry()
  const candidates = [
    ...Object.values(module),
    ...Object.values((module['default'] ?? {}) as object),
  ]
  for (const value of candidates) if (isDefinition(value)) registry.register(value)
  if (registry.definitions().length === 0)
    throw new Error(`${modulePath} exports no process definitions (nor a 'registry')`)
  return registry
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts'])

const importDefinitions = async (modulePath: string): Promise<Record<string, unknown>> => {
  const url = pathToFileURL(resolve(modulePath)).href
  try {
    return (await import(url)) as Record<string, unknown>
  } catch (error) {
    if (!TYPESCRIPT.has(extname(modulePath)) || codeOf(error) !== 'ERR_UNKNOWN_FILE_EXTENSION')
      throw error
  }
  const tsx = await import('tsx/esm/api').catch((error: unknown) => {
    if (codeOf(error) === 'ERR_MODULE_NOT_FOUND') return undefined
    throw error
  })
  if (tsx === undefined) throw new CliError(typeScriptHelp(modulePath))
  tsx.register()
  // Another URL than the failed import's: Node remembers that failure for the URL it tried.
  return (await import(`${url}?tsx`)) as Record<string, unknown>
}

const typeScriptHelp = (modulePath: string): string =>
  `cannot load ${modulePath}: Node ${process.version} does not run TypeScript by itself, and ` +
  'tsx is not installed beside plumpy-ts. Either install it (npm install --save-dev tsx), and ' +
  'plumpy-ts loads .ts definitions through it; or run the command under a TypeScript loader ' +
  '(node --import tsx node_modules/plumpy-ts/dist/cli/main.js …); or compile the module and ' +
  'pass the .js file.'

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code

const isDefinition = (value: unknown): value is ProcessDefinition =>
  typeof value === 'object' &&
  value !== null &&
  (value as { _tag?: unknown })._tag === 'ProcessDefinition'
