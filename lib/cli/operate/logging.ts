/**
 * The command line's logger: pino, with a level (`--log-level`, default info) and a format
 * (`--log-format`): `json`, pino's own lines on stdout, each with `level`, `time`, `worker`,
 * `msg` and, on lines about a process, `pid`, `definition` and `step`; or `pretty` (the default),
 * the same records as `[worker <name>] <Definition pid step: >message` lines, information on
 * stdout, warnings and errors on stderr, written directly (pino-pretty's own layout puts the
 * message after a coloured level and a time, and would break the lines people grep for).
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

const LEVEL_VALUES: Readonly<Record<LogLevelName, number>> = {
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: Infinity,
}

/**
 * Readable lines, written straight to stdout (warnings and errors to stderr): no record is
 * serialised only to be parsed back, which a worker logging two lines per process would feel.
 */
const prettyLogger = (name: string, level: LogLevelName): Logger => {
  const threshold = LEVEL_VALUES[level]
  const at =
    (value: number, prefix: string, stream: NodeJS.WriteStream) =>
    (message: string, context?: LogContext): void => {
      if (value < threshold) return
      stream.write(`[worker ${name}] ${prefix}${describeLogContext(context)}${message}\n`)
    }
  return {
    debug: at(LEVEL_VALUES.debug, '', process.stdout),
    info: at(LEVEL_VALUES.info, '', process.stdout),
    warn: at(LEVEL_VALUES.warn, 'warning: ', process.stderr),
    error: at(LEVEL_VALUES.error, 'error: ', process.stderr),
  }
}

/** A `Logger` for a program named `name` (a worker's name): pino's JSON lines, or readable ones. */
export const cliLogger = (name: string, options: LogOptions): Logger => {
  if (options.logFormat === 'pretty') return prettyLogger(name, options.logLevel)
  const log = pino(
    {
      level: options.logLevel,
      base: { worker: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 1, sync: true }),
  )
  const at =
    (level: Level) =>
    (message: string, context?: LogContext): void => {
      if (context === undefined) log[level](message)
      else log[level]({ ...context }, message)
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
