/**
 * The servers of the workloads that need RabbitMQ or PostgreSQL: the one named in the environment,
 * or a private one started with scripts/services in a temp directory (PostgreSQL with its durable
 * defaults, `PLUMPY_PG_DURABLE=1`: fsync and synchronous commits on) and stopped by `stop()`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const freePort = (): number =>
  Number(
    spawnSync(
      process.execPath,
      [
        '-e',
        `const s=require('node:net').createServer();s.listen({port:20000+Math.floor(Math.random()*10000),host:'127.0.0.1',exclusive:true},()=>{console.log(s.address().port);s.close()})`,
      ],
      { encoding: 'utf8' },
    ).stdout.trim(),
  )

/** A server from the environment, or a private one (see the module comment). */
export const server = (
  fromEnv: string | undefined,
  script: 'rabbitmq.sh' | 'postgres.sh',
  url: (port: number) => string,
): { readonly url: string; stop(): void } => {
  if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, stop: () => {} }
  const dir = mkdtempSync(join(tmpdir(), `plumpy-roundtrip-${script.split('.')[0]}.`))
  const path = join(ROOT, 'scripts', 'services', script)
  const port = freePort()
  const started = spawnSync('bash', [path, 'start', dir, String(port)], {
    encoding: 'utf8',
    env: { ...process.env, PLUMPY_PG_DURABLE: '1' },
    timeout: 180_000,
  })
  const stop = () => {
    spawnSync('bash', [path, 'stop', dir], { stdio: 'ignore', timeout: 60_000 })
    rmSync(dir, { recursive: true, force: true })
  }
  if (started.status !== 0) {
    stop()
    throw new Error(`${script} did not start:\n${started.stderr}`)
  }
  return { url: url(port), stop }
}
