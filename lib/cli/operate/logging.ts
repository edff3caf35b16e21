/**
 * The command line's logger: pino, with a level (`--log-level`, default info) and a format
 * (`--log-format`): `json`, pino's own lines on stdout, each with `level`, `time`, `worker`,
 * `msg` and, on lines about a process, `pid`, `definition` and `step`; or `pretty` (the default),
 * the same records as `[worker <name>] <Definition pid step: >message` lines, information on
 * stdout, warnings and errors on stderr (pino-pretty's own layout puts the message after a
 * coloured level and a time, and would break the lines people grep for).
 */
import { InvalidArgumentError, type Command } from 'commander'
import { pino, type Level } from 'pino'
import { describeLogContext, type LogContext, type Logger } from '../../runtime/environment.js'

/** The levels `--log-level` takes, quietest last. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const

/** A `--log-level`. */
export type LogLevelName = (typeof LOG_LEVELS)[number]

/** A `--log-format`. */
export type LogFormat = 'json' | 'pretty'

/** The logging options of a command. */
export interface LogOptions {
  readonly logLevel: LogLevelName
  readonly logFormat: LogFormat
}

const oneOf =
  <T extends string>(values: readonly T[], what: string) =>
  (value: string): T => {
    if (!(values as readonly string[]).includes(value))
      throw new InvalidArgumentError(`'${value}' is not a ${what}: ${values.join(', ')}.`)
    return value as T
  }

/** Adds `--log-level` and `--log-format` to a command. */
export const logOptions = (command: Command): Command =>
  command
    .option(
      '--log-level <level>',
      'debug (every transition), info (each process started and ended), warn, error or silent',
      oneOf(LOG_LEVELS, 'log level'),
      'info',
    )
    .option(
      '--log-format <format>',
      'json (one pino record per line) or pretty (one readable line)',
      oneOf(['json', 'pretty'] as const, 'log format'),
      'pretty',
    )

/** Where the records go: pino's JSON lines, or readable ones. */
interface LineSink {
  write(line: string): void
}

interface Record {
  readonly level: number
  readonly msg: string
  readonly pid?: string
  readonly definition?: string
  readonly step?: string
}

const WARN = 40

const prettySink = (name: string): LineSink => ({
  write(line: string) {
    const record = JSON.parse(line) as Record
    const prefix = record.level >= 50 ? 'error: ' : record.level >= WARN ? 'warning: ' : ''
    const text = `[worker ${name}] ${prefix}${describeLogContext(record)}${record.msg}\n`
    if (record.level >= WARN) process.stderr.write(text)
    else process.stdout.write(text)
  },
})

/** A `Logger` over pino for a program named `name` (a worker's name). */
export const cliLogger = (name: string, options: LogOptions): Logger => {
  const log =
    options.logFormat === 'json'
      ? pino(
          {
            level: options.logLevel,
            base: { worker: name },
            timestamp: pino.stdTimeFunctions.isoTime,
            formatters: { level: (label) => ({ level: label }) },
          },
          pino.destination({ fd: 1, sync: true }),
        )
      : // The pretty sink reads the level as pino's number, and prints no time.
        pino({ level: options.logLevel, base: null, timestamp: false }, prettySink(name))
  const at =
    (level: Level) =>
    (message: string, context?: LogContext): void => {
      if (context === undefined) log[level](message)
      else log[level]({ ...context }, message)
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
