/** The command line checks a `<pid>` argument before it connects to anything. */
import { describe, expect, it } from 'vitest'
import { runCli } from '../worker/harness.js'

describe('plumpy-ts <command> <pid>', () => {
  it('refuses a pid that breaks the rule with exit code 2, saying why', async () => {
    // Nothing listens on these: had the command connected, it would say so instead.
    const broker = ['--broker', 'amqp://guest:guest@127.0.0.1:1']
    const [status, kill, show] = await Promise.all([
      runCli(['status', 'a.b', ...broker]),
      runCli(['kill', 'p q', ...broker]),
      runCli(['show', 'x'.repeat(129), '--store', 'postgres://127.0.0.1:1/none']),
    ])
    expect(status.code).toBe(2)
    expect(status.stderr).toBe(
      "error: command-argument value 'a.b' is invalid for argument 'pid'. Not a pid: '.' at " +
        'index 1 is not allowed (a pid holds A-Z a-z 0-9 _ -).\n',
    )
    expect(kill.code).toBe(2)
    expect(kill.stderr).toMatch(/Not a pid: U\+0020 at index 1 is not allowed/)
    expect(show.code).toBe(2)
    expect(show.stderr).toMatch(/Not a pid: 129 characters, more than the 128 a pid may have/)
  }, 60_000)
})
