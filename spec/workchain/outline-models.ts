/**
 * Models for the cursor's property spec: random outlines, a direct recursive interpretation of an
 * outline (the reference), and plumpy's steppers (plumpy/workchains.py, 0.26) as plumpy runs them.
 */
import fc from 'fast-check'
import {
  defineWorkChain,
  if_,
  return_,
  while_,
  type IfBuilder,
  type OutlineItem,
  type PredicateRef,
  type StepRef,
} from '../../lib/index.js'
// ---------------------------------------------------------------------------------------------
// Random outlines

/** An outline's shape, before names are given. */
type Shape =
  | { readonly t: 'step' }
  | { readonly t: 'return'; readonly code: number | undefined }
  | { readonly t: 'if'; readonly branches: Shape[][]; readonly otherwise: Shape[] | undefined }
  | { readonly t: 'while'; readonly body: Shape[] }

export const { outline: outlineShapes } = fc.letrec<{
  node: Shape
  block: Shape[]
  loopBody: Shape[]
  outline: Shape[]
}>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    { arbitrary: fc.constant<Shape>({ t: 'step' }), weight: 4 },
    {
      arbitrary: fc.record({
        t: fc.constant('return' as const),
        code: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('if' as const),
        branches: fc.array(tie('block'), { minLength: 1, maxLength: 3 }),
        otherwise: fc.option(tie('block'), { nil: undefined }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({ t: fc.constant('while' as const), body: tie('loopBody') }),
      weight: 2,
    },
  ),
  block: fc.array(tie('node'), { maxLength: 3 }),
  loopBody: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
  outline: fc.array(tie('node'), { minLength: 1, maxLength: 5 }),
}))

/** The same outline with a unique name for every step and predicate. */
type Named =
  | { readonly t: 'step'; readonly name: string }
  | { readonly t: 'return'; readonly code: number | undefined }
  | {
      readonly t: 'if'
      readonly branches: readonly { readonly predicate: string; readonly body: Named[] }[]
      readonly otherwise: Named[] | undefined
    }
  | { readonly t: 'while'; readonly predicate: string; readonly body: Named[] }

const nameShapes = (shapes: readonly Shape[]) => {
  const steps: string[] = []
  const predicates: string[] = []
  const stepName = () => `s${steps.push(`s${steps.length}`) - 1}`
  const predicateName = () => `p${predicates.push(`p${predicates.length}`) - 1}`
  const block = (list: readonly Shape[]): Named[] => list.map(node)
  const node = (shape: Shape): Named => {
    switch (shape.t) {
      case 'step':
        return { t: 'step', name: stepName() }
      case 'return':
        return shape
      case 'if':
        return {
          t: 'if',
          branches: shape.branches.map((body) => ({
            predicate: predicateName(),
            body: block(body),
          })),
          otherwise: shape.otherwise === undefined ? undefined : block(shape.otherwise),
        }
      case 'while':
        return { t: 'while', predicate: predicateName(), body: block(shape.body) }
    }
  }
  const outline = block(shapes)
  return { outline, steps, predicates }
}

// ---------------------------------------------------------------------------------------------
// The reference: a direct recursive interpretation

interface Visit {
  readonly log: string[]
  i: number
  readonly script: readonly boolean[]
}

type Ended = { readonly code: number | undefined } | undefined

const ask = (predicate: string, visit: Visit): boolean => {
  visit.log.push(predicate)
  return visit.script[visit.i++] ?? false
}

const interpretBlock = (block: readonly Named[], visit: Visit): Ended => {
  for (const node of block) {
    const ended = interpretNode(node, visit)
    if (ended !== undefined) return ended
  }
  return undefined
}

const interpretNode = (node: Named, visit: Visit): Ended => {
  switch (node.t) {
    case 'step':
      visit.log.push(node.name)
      return undefined
    case 'return':
      return { code: node.code }
    case 'if': {
      for (const branch of node.branches)
        if (ask(branch.predicate, visit)) return interpretBlock(branch.body, visit)
      return node.otherwise === undefined ? undefined : interpretBlock(node.otherwise, visit)
    }
    case 'while':
      while (ask(node.predicate, visit)) {
        const ended = interpretBlock(node.body, visit)
        if (ended !== undefined) return ended
      }
      return undefined
  }
}

export const interpret = (outline: readonly Named[], script: readonly boolean[]) => {
  const visit: Visit = { log: [], i: 0, script }
  const ended = interpretBlock(outline, visit)
  return { log: visit.log, exitStatus: ended?.code ?? 0 }
}

// ---------------------------------------------------------------------------------------------
// The same outline as a work chain whose steps and predicates record their names in the context

export interface Ctx {
  log: string[]
  i: number
}

// The steps and predicates are made at run time from random shapes, so their references are
// typed as fitting either place (their steps return `any`).
type AnyRef = StepRef & PredicateRef

const toItems = (block: readonly Named[], s: Readonly<Record<string, AnyRef>>): OutlineItem[] =>
  block.map((node): OutlineItem => {
    const ref = (name: string) => s[name] as AnyRef
    switch (node.t) {
      case 'step':
        return ref(node.name)
      case 'return':
        return node.code === undefined ? return_ : return_(node.code)
      case 'if': {
        const [first, ...rest] = node.branches
        if (first === undefined) throw new Error('an if_ has at least one branch')
        let built: IfBuilder = if_(ref(first.predicate))(...toItems(first.body, s))
        for (const branch of rest)
          built = built.elif_(ref(branch.predicate))(...toItems(branch.body, s))
        return node.otherwise === undefined ? built : built.else_(...toItems(node.otherwise, s))
      }
      case 'while':
        return while_(ref(node.predicate))(...toItems(node.body, s))
    }
  })

export const chainOf = (shapes: readonly Shape[], script: readonly boolean[]) => {
  const { outline, steps, predicates } = nameShapes(shapes)
  const fns: Record<string, (ctx: Ctx) => any> = {}
  for (const name of steps) fns[name] = (ctx) => void ctx.log.push(name)
  for (const name of predicates)
    fns[name] = (ctx) => {
      ctx.log.push(name)
      return script[ctx.i++] ?? false
    }
  const definition = defineWorkChain({
    name: 'Random',
    context: (): Ctx => ({ log: [], i: 0 }),
    steps: fns,
    outline: (s) => toItems(outline, s),
  })
  return { definition, outline }
}

export const scripts = fc.array(fc.boolean(), { maxLength: 24 })

// ---------------------------------------------------------------------------------------------
// plumpy's steppers (plumpy/workchains.py, 0.26), as a model: a step call is one `step()` of the
// outline's block stepper, and `toString()` is how plumpy prints where the chain is.

interface Stepper {
  /** [finished, whether a step function ran] */
  step(): readonly [boolean, boolean]
  toString(): string
}

const stepperOf = (node: Named, visit: Visit): Stepper => {
  switch (node.t) {
    case 'step':
      return {
        step: () => (visit.log.push(node.name), [true, true]),
        toString: () => node.name,
      }
    case 'return':
      return {
        step: () => {
          throw { returned: node.code }
        },
        toString: () => (node.code === undefined ? 'return_' : `return_(${node.code})`),
      }
    case 'if':
      return ifStepper(node, visit)
    case 'while':
      return whileStepper(node, visit)
  }
}

const blockStepper = (block: readonly Named[], visit: Visit): Stepper & { finished(): boolean } => {
  let pos = 0
  let child: Stepper | undefined = block[0] === undefined ? undefined : stepperOf(block[0], visit)
  const finished = () => pos === block.length
  return {
    finished,
    step() {
      const [done, ran] = (child as Stepper).step()
      if (done) {
        pos += 1
        const next = block[pos]
        child = next === undefined ? undefined : stepperOf(next, visit)
      }
      return [finished(), ran]
    },
    toString: () => `${pos}:${String(child)}`,
  }
}

const ifStepper = (node: Extract<Named, { t: 'if' }>, visit: Visit): Stepper => {
  const conditions = [
    ...node.branches.map((branch, i) => ({ label: i === 0 ? 'if_' : 'elif_', ...branch })),
    ...(node.otherwise === undefined
      ? []
      : [{ label: 'else_', predicate: '', body: node.otherwise }]),
  ]
  let pos = 0
  let child: (Stepper & { finished(): boolean }) | undefined
  const finished = () => pos === conditions.length
  return {
    step() {
      if (finished()) return [true, false]
      if (child === undefined) {
        for (const condition of conditions) {
          if (condition.label === 'else_' || ask(condition.predicate, visit)) break
          pos += 1
        }
        if (finished()) return [true, false]
        const body = (conditions[pos] as { body: Named[] }).body
        // plumpy cannot step an empty block; an empty branch is done at once.
        if (body.length === 0) {
          pos = conditions.length
          return [true, false]
        }
        child = blockStepper(body, visit)
      }
      const [done, ran] = child.step()
      if (done) {
        pos = conditions.length
        child = undefined
      }
      return [finished(), ran]
    },
    toString() {
      const condition = conditions[pos] as { label: string; predicate: string }
      const label =
        condition.label === 'else_' ? 'else_' : `${condition.label}(${condition.predicate})`
      return child === undefined ? label : `${label}(${String(child)})`
    },
  }
}

const whileStepper = (node: Extract<Named, { t: 'while' }>, visit: Visit): Stepper => {
  let child: (Stepper & { finished(): boolean }) | undefined
  return {
    step() {
      if (child === undefined) {
        if (!ask(node.predicate, visit)) return [true, false]
        child = blockStepper(node.body, visit)
      }
      const [done, ran] = child.step()
      if (done) child = undefined
      return [false, ran]
    },
    toString: () =>
      child === undefined
        ? `while_(${node.predicate})`
        : `while_(${node.predicate})(${String(child)})`,
  }
}

/** plumpy's run of an outline: where the stepper is before each step call, and how it ends. */
export const plumpyCalls = (outline: readonly Named[], script: readonly boolean[]) => {
  const visit: Visit = { log: [], i: 0, script }
  const stepper = blockStepper(outline, visit)
  const described: string[] = []
  for (;;) {
    described.push(String(stepper))
    try {
      const [finished] = stepper.step()
      if (finished) return { described, exitStatus: 0, log: visit.log }
    } catch (error) {
      return {
        described,
        exitStatus: (error as { returned?: number }).returned ?? 0,
        log: visit.log,
      }
    }
  }
}
