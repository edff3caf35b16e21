/**
 * Processes on a communicator, launcher and controller, over the LocalCommunicator: RPC under the
 * pid, broadcasts to all, state-change broadcasts, unsubscribing at the end, and the tasks.
 */
import * as t from 'io-ts'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DefinitionRegistry,
  InMemoryPersister,
  LocalCommunicator,
  ProcessLauncher,
  RemoteError,
  RemoteProcessController,
  Runner,
  toContext,
  UnroutableError,
  Wait,
  defineProcess,
  defineWorkChain,
  input,
  launch,
  output,
  processControl,
  silentLogger,
  bundle,
  type BroadcastMessage,
  type LauncherEvent,
} from '../../lib/index.js'
import { out } from '../../lib/commands/index.js'

const Waiter = defineProcess({
  name: 'Waiter',
  spec: { outputs: { got: output() } },
  steps: {
    run: () => Wait('done'),
    done: (_ctx, { args }) => out('got', args[0] ?? null),
  },
})

const Double = defineProcess({
  name: 'Double',
  spec: { inputs: { x: input(t.number) }, outputs: { y: output(t.number) } },
  steps: { run: (_ctx, { inputs }) => out('y', inputs.x * 2) },
})

const opened: LocalCommunicator[] = []
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close()
})

const setup = (persister?: InMemoryPersister) => {
  const communicator = new LocalCommunicator({ logger: silentLogger })
  opened.push(communicator)
  const runner = new Runner({
    logger: silentLogger,
    ...(persister === undefined ? {} : { persister, checkpoints: 'every-transition' as const }),
  })
  const control = processControl(communicator, { logger: silentLogger })
  runner.use(control)
  return { communicator, runner, control, controller: new RemoteProcessController(communicator) }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('processControl', () => {
  it('answers status, pause, play and kill under the pid', async () => {
    const { runner, control, controller } = setup()
    const process = Waiter.create({}, { runner })
    await control.reachable(process.pid)
    expect(await controller.getStatus(process.pid)).toMatchObject({
      paused: false,
      state: 'CREATED',
      process_string: '<Waiter> (CREATED)',
    })
    void process.stepUntilTerminated()
    expect(await controller.pauseProcess(process.pid, 'hold on')).toBe(true)
    expect(process.paused).toBe(true)
    expect(await controller.getStatus(process.pid)).toMatchObject({
      state: 'WAITING',
      paused: true,
      status: 'hold on',
    })
    expect(await controller.playProcess(process.pid)).toBe(true)
    expect(process.paused).toBe(false)
    expect(await controller.killProcess(process.pid, 'enough')).toBe(true)
    expect(process.state).toBe('KILLED')
    expect(process.status).toBe('enough')
  })

  it('resolves reachable once a process answers RPC, and rejects it when it never will', async () => {
    const { communicator, runner, controller } = setup()
    const process = Waiter.create({}, { runner })
    await process.reachable
    expect(await controller.getStatus(process.pid)).toMatchObject({ state: 'CREATED' })
    await communicator.addRpcSubscriber(() => 'someone else', 'taken')
    const shadowed = Waiter.create({}, { runner, pid: 'taken' })
    await expect(shadowed.reachable).rejects.toThrow(
      "taken cannot be reached over the communicator: DuplicateSubscriberError: an RPC subscriber with identifier 'taken' already exists",
    )
    // A runner that exposes nothing: nothing to wait for.
    await expect(Waiter.create({}, { runner: new Runner() }).reachable).resolves.toBeUndefined()
  })

  it("reaches the children a chain launches, on its parent's communicator", async () => {
    const { runner, control, controller } = setup()
    const Parent = defineWorkChain({
      name: 'Parent',
      steps: { start: () => toContext({ child: launch(Waiter) }), after: () => undefined },
      outline: (s) => [s.start, s.after],
    })
    const parent = Parent.create({}, { runner })
    const done = parent.stepUntilTerminated()
    await turn()
    const child = runner.list().find((p) => p.name === 'Waiter')
    if (child === undefined) throw new Error('the child was not launched on the runner')
    await control.reachable(child.pid)
    await turn()
    expect(await controller.getStatus(child.pid)).toMatchObject({ state: 'WAITING' })
    expect(await controller.killProcess(child.pid, 'not this one')).toBe(true)
    await done
    expect(parent.state).toBe('EXCEPTED')
    expect(parent.exception()?.message).toBe('not this one')
  })

  it('unsubscribes a process when it ends: its pid is then unroutable', async () => {
    const { runner, control, controller } = setup()
    const process = Double.create({ x: 1 }, { runner })
    await control.reachable(process.pid)
    await process.execute()
    await turn()
    await expect(controller.getStatus(process.pid)).rejects.toBeInstanceOf(UnroutableError)
  })

  it('obeys pause, play and kill broadcasts to every process', async () => {
    const { runner, controller } = setup()
    const a = Waiter.create({}, { runner })
    const b = Waiter.create({}, { runner })
    void a.stepUntilTerminated()
    void b.stepUntilTerminated()
    await controller.pauseAll('all stop')
    await turn()
    expect([a.paused, b.paused]).toEqual([true, true])
    await controller.playAll()
    await turn()
    expect([a.paused, b.paused]).toEqual([false, false])
    await controller.killAll('all gone')
    await turn()
    expect([a.state, b.state]).toEqual(['KILLED', 'KILLED'])
  })

  it('broadcasts every state change as state_changed.<from>.<to>', async () => {
    const { communicator, runner } = setup()
    const seen: BroadcastMessage[] = []
    await communicator.addBroadcastSubscriber((message) => void seen.push(message), {
      subjectFilter: 'state_changed',
    })
    const process = Double.create({ x: 2 }, { runner })
    await process.execute()
    await turn()
    await turn()
    expect(seen.filter((m) => m.sender === process.pid).map((m) => m.subject)).toEqual([
      'state_changed.None.CREATED',
      'state_changed.CREATED.RUNNING',
      'state_changed.RUNNING.FINISHED',
    ])
  })

  it('says what a waiting process waits for in its broadcast and its status', async () => {
    const { communicator, runner, controller } = setup()
    const seen: BroadcastMessage[] = []
    await communicator.addBroadcastSubscriber((message) => void seen.push(message), {
      subjectFilter: 'state_changed.*.WAITING',
    })
    const process = Waiter.create({}, { runner })
    void process.stepUntilTerminated()
    await turn()
    await turn()
    expect(seen.map((m) => m.body)).toEqual([
      { pid: process.pid, from: 'RUNNING', to: 'WAITING', waits: [{ kind: 'resume' }] },
    ])
    expect((await controller.getStatus(process.pid)).waits).toEqual([{ kind: 'resume' }])
  })

  it('broadcasts every pause and play as pause_changed.<paused|played>, with the state', async () => {
    const { communicator, runner, controller } = setup()
    const seen: BroadcastMessage[] = []
    await communicator.addBroadcastSubscriber((message) => void seen.push(message), {
      subjectFilter: 'pause_changed',
    })
    const process = Waiter.create({}, { runner })
    void process.stepUntilTerminated()
    await turn()
    await controller.pauseProcess(process.pid)
    await turn()
    await controller.playProcess(process.pid)
    await turn()
    await turn()
    expect(seen.map((m) => [m.sender, m.subject, m.body])).toEqual([
      [process.pid, 'pause_changed.paused', { pid: process.pid, paused: true, state: 'WAITING' }],
      [process.pid, 'pause_changed.played', { pid: process.pid, paused: false, state: 'WAITING' }],
    ])
    await process.kill()
  })
})

describe('ProcessLauncher and RemoteProcessController', () => {
  it('launches and waits for the outputs, or returns the pid with nowait', async () => {
    const { communicator, runner, controller } = setup()
    await new ProcessLauncher({ runner, registry: DefinitionRegistry.of(Double) }).subscribe(
      communicator,
    )
    expect(await controller.launchProcess(Double, { x: 21 })).toEqual({ y: 42 })
    const pid = await controller.launchProcess(Double, { x: 1 }, { nowait: true, pid: 'my-pid' })
    expect(pid).toBe('my-pid')
  })

  it('answers a nowait launch only once every plugin can reach the process', async () => {
    const { communicator, runner, controller } = setup()
    // A plugin that exposes processes somewhere slow: reachable only when the test says so.
    let open: () => void = () => undefined
    const opened = new Promise<void>((resolve) => (open = resolve))
    const asked: string[] = []
    runner.use({ reachable: (pid) => (asked.push(pid), opened) })
    // No `reachable` option: the launcher asks the runner, which asks its plugins.
    await new ProcessLauncher({ runner, registry: DefinitionRegistry.of(Waiter) }).subscribe(
      communicator,
    )
    let answered: unknown
    const launched = controller
      .launchProcess(Waiter, {}, { nowait: true, pid: 'slow' })
      .then((pid) => (answered = pid))
    for (let i = 0; i < 5; i++) await turn()
    expect([asked, answered]).toEqual([['slow'], undefined])
    open()
    await launched
    expect(answered).toBe('slow')
    expect((await controller.getStatus('slow')).state).toBe('WAITING')
  })

  it('reports invalid inputs and unknown definitions to the sender as remote errors', async () => {
    const { communicator, runner, controller } = setup()
    await new ProcessLauncher({ runner, registry: DefinitionRegistry.of(Double) }).subscribe(
      communicator,
    )
    await expect(controller.launchProcess(Double, { x: 'no' })).rejects.toThrow(/inputs\.x/)
    await expect(controller.launchProcess('Nope')).rejects.toBeInstanceOf(RemoteError)
  })

  it('refuses persist and continue tasks without a persister', async () => {
    const { communicator, runner, controller } = setup()
    await new ProcessLauncher({ runner, registry: DefinitionRegistry.of(Double) }).subscribe(
      communicator,
    )
    await expect(controller.launchProcess(Double, { x: 1 }, { persist: true })).rejects.toThrow(
      /persister/,
    )
    await expect(controller.continueProcess('some-pid')).rejects.toThrow(/persister/)
  })

  it('passes a continue task on from a launcher without a persister to one with it', async () => {
    const persister = new InMemoryPersister()
    const { communicator, runner: storeless, controller } = setup()
    const withStore = new Runner({ logger: silentLogger, persister })
    const registry = DefinitionRegistry.of(Double)
    const storelessHeard: string[] = []
    const onEvent = (event: LauncherEvent) => void storelessHeard.push(event._tag)
    // The launcher without a store subscribes first, so the round robin offers it the task.
    await new ProcessLauncher({ runner: storeless, registry, onEvent }).subscribe(communicator)
    const other = new LocalCommunicator({ bus: communicator.bus, logger: silentLogger })
    opened.push(other)
    await new ProcessLauncher({ runner: withStore, registry, persister }).subscribe(other)
    const scratch = new Runner({ logger: silentLogger })
    await persister.saveCheckpoint(
      bundle(Double.create({ x: 4 }, { pid: 'stored', runner: scratch })),
    )
    expect(await controller.continueProcess('stored')).toEqual({ y: 8 })
    // It was offered the task first, and passed it on.
    expect(storelessHeard).toEqual(['TaskReceived'])
  })

  it('executes a process through a create task then a continue task', async () => {
    const persister = new InMemoryPersister()
    const { communicator, runner, controller } = setup(persister)
    const registry = DefinitionRegistry.of(Double)
    await new ProcessLauncher({ runner, registry, persister }).subscribe(communicator)
    expect(await controller.executeProcess(Double, { x: 5 })).toEqual({ y: 10 })
    const stored = await persister.getCheckpoints()
    expect(stored).toHaveLength(1)
    expect((await persister.loadCheckpoint(stored[0]!.pid)).snapshot.state._tag).toBe('FINISHED')
  })

  it('tells the sender of a launch that its process was killed', async () => {
    const { communicator, runner, control, controller } = setup()
    await new ProcessLauncher({ runner, registry: DefinitionRegistry.of(Waiter) }).subscribe(
      communicator,
    )
    const launched = controller.launchProcess(Waiter, {}, { pid: 'doomed' })
    while (runner.get('doomed') === undefined) await turn()
    await control.reachable('doomed')
    await controller.killProcess('doomed', 'stop it')
    await expect(launched).rejects.toThrow(/stop it/)
  })
})
