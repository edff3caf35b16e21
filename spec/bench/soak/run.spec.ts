/**
 * A smoke run of `npm run soak` (a few hundred processes, not the soak itself): the script starts
 * its servers and workers, goes through the three disruptions, prints every figure, passes, and
 * leaves nothing behind.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')

const soak = (args: readonly string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'bash',
      ['scripts/soak.sh', ...args],
      { cwd: ROOT, timeout: 240_000, maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        done({ code, stdout, stderr })
      },
    )
  })

describe('npm run soak', () => {
  it('runs a few hundred processes through the disruptions and reports every figure', async () => {
    const ran = await soak(['--processes', '300', '--outage-s', '2', '--progress-s', '10'])
    expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0)
    const figure = (name: string) =>
      new RegExp(`^ {2}${name} +(.*)$`, 'm').exec(ran.stdout)?.[1] ?? `no '${name}' line`
    expect(figure('finished')).toMatch(/^300 of 300 processes \(\d+ of \d+ roots\)$/)
    expect(figure('lost')).toBe('0')
    expect(figure('run twice past a checkpoint')).toBe('0')
    expect(figure('peak worker RSS')).toMatch(/^\d+ MiB /)
    expect(figure('peak advisory locks')).toMatch(/^\d+ /)
    expect(figure('wall time')).toMatch(/^\d+m\d\ds /)
    expect(figure('throughput')).toMatch(/^\d+ processes\/s /)
    const disruptions = ran.stdout.match(/^ {2}disruption +.*$/gm) ?? []
    expect(disruptions.join('\n')).toMatch(/SIGKILL.*\n.*broker restart.*\n.*database down/)
    // Each found work under way: what it disrupted was the run, not an idle cluster.
    for (const line of disruptions) expect(line).toMatch(/ended, [1-9]\d* under way\)/)
    expect(ran.stdout).toMatch(/passed: nothing lost, nothing run twice/)
    // A run that passed removes its directory, servers and logs included.
    const dir = /starting RabbitMQ, PostgreSQL and two workers in (\S+)/.exec(ran.stdout)?.[1]
    expect(dir).toBeDefined()
    expect(existsSync(dir ?? '')).toBe(false)
  }, 300_000)
})
