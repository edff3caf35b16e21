/**
 * Loading the user's definitions for the command line: a module that exports definitions (and,
 * optionally, a `registry` with migrations). The module is named by the user on the command line;
 * checkpoints never name code.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DefinitionRegistry } from '../checkpoint/registry.js'
import type { ProcessDefinition } from '../process/definition.js'

/** The registry a definitions module provides. */
export const loadRegistry = async (modulePath: string): Promise<DefinitionRegistry> => {
  const module = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>
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

const isDefinition = (value: unknown): value is ProcessDefinition =>
  typeof value === 'object' &&
  value !== null &&
  (value as { _tag?: unknown })._tag === 'ProcessDefinition'
