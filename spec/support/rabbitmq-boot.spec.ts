/**
 * scripts/services/rabbitmq.sh when a node dies while it boots: the end of that boot's logs is
 * shown at once (the tests' servers live in temp dirs that are gone by the time anyone looks),
 * and the node is booted once more before the script gives up. A stand-in `rabbitmq-server`
 * (through PLUMPY_RABBITMQ_BIN) dies on the boots it is told to, and runs the real one otherwise.
 */
import { execFile } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'amqplib'
import { afterEach, describe, expect, it } from 'vitest'
import { RABBITMQ_SCRIPT, freePort } from './services.js'

const REAL_BIN = '/usr/lib/rabbitmq/bin'

/** Runs rabbitmq.sh; resolves to its exit code and stderr. */
const script = (args: readonly string[], bin: string) =>
  new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      'bash',
      [RABBITMQ_SCRIPT, ...args],
      { env: { ...process.env, PLUMPY_RABBITMQ_BIN: bin }, timeout: 240_000 },
      (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stderr }),
    )
  })

/** A bin directory whose `rabbitmq-server` dies on its first `deaths` boots. */
const dyingBin = async (dir: string, deaths: number): Promise<string> => {
  const bin = join(dir, 'bin')
  await writeFile(join(dir, 'boots'), '')
  await mkdir(bin)
  const server = join(bin, 'rabbitmq-server')
  await writeFile(
    server,
    [
      '#!/usr/bin/env bash',
      `echo boot >> ${join(dir, 'boots')}`,
      `if (( $(wc -l < ${join(dir, 'boots')}) <= ${deaths} )); then`,
      '  echo "stand-in: this boot dies on purpose"',
      '  exit 1',
      'fi',
      `exec ${REAL_BIN}/rabbitmq-server "$@"`,
    ].join('\n'),
  )
  await chmod(server, 0o755)
  return bin
}

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await script(['stop', join(dir, 'node')], REAL_BIN)
    await rm(dir, { recursive: true, force: true })
  }
})

const scratch = async () => {
  const dir = await mkdtemp(join(process.env['PLUMPY_TEST_TMP'] ?? tmpdir(), 'rmq-boot-'))
  dirs.push(dir)
  return dir
}

describe('rabbitmq.sh start', () => {
  it('shows why a node died while booting and boots it again', async () => {
    const dir = await scratch()
    const port = await freePort()
    const started = await script(['start', join(dir, 'node'), String(port)], await dyingBin(dir, 1))
    expect(started.stderr).toContain("the node died while booting; the end of this boot's logs:")
    expect(started.stderr).toContain('stand-in: this boot dies on purpose')
    expect(started.stderr).toContain('booting again (attempt 2 of 2)')
    expect(started.code).toBe(0)
    const connection = await connect(`amqp://guest:guest@127.0.0.1:${port}`)
    await connection.close()
  }, 240_000)

  it('gives up when the node dies on every boot, leaving nothing running', async () => {
    const dir = await scratch()
    const port = await freePort()
    const started = await script(['start', join(dir, 'node'), String(port)], await dyingBin(dir, 9))
    expect(started.code).not.toBe(0)
    expect(started.stderr).toContain('the node died while booting, 2 times')
    expect(started.stderr.split('stand-in: this boot dies on purpose')).toHaveLength(3)
    const left = await script(['stop', join(dir, 'node')], REAL_BIN)
    expect(left.code).toBe(0)
    // Its own epmd was stopped on the way out: nothing of the node holds a process.
    const { stdout } = await new Promise<{ stdout: string }>((resolve) =>
      execFile('ps', ['-eo', 'args'], (_e, stdout) => resolve({ stdout })),
    )
    expect(stdout).not.toContain(join(dir, 'node'))
  }, 240_000)
})
