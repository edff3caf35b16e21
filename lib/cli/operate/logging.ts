/**
 * The command line's logger: pino, with a level (`--log-level`, default info) and a format
 * (`--log-format`): `json`, pino's own lines on stdout, each with `level`, `time`, `worker`,
 * `msg` and, on lines about a process, `pid`, `definition` and `step`; or `pretty` (the default),
 * the same records as `[worker <name>] <Definition pid step: >message` lines, information on
 * stdout, warnings and errors on stderr, written directly (pino-pretty's own layout puts the
 * message after a coloured level and a time, and would break the lines people grep for). Either
 * way the lines of one turn of the event loop go out in one write (`log-output.ts`).
 */
import { InvalidArgumentError, type Command } from 'commander'
import { pino, type Level } from 'pino'
import { describeLogContext, type LogContext, type Logger } from '../../runtime/environment.js'
import { processLogOutput, type LogOutput } from './log-output.js'

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
 * Readable lines, written straight to the output (warnings and errors to stderr): no record is
 * serialised only to be parsed back, which a worker logging two lines per process would feel.
 */
const prettyLogger = (name: string, level: LogLevelName, output: LogOutput): Logger => {
  const threshold = LEVEL_VALUES[level]
  const at =
    (value: number, prefix: string, stream: 'out' | 'err') =>
    (message: string, context?: LogContext): void => {
      if (value < threshold) return
      output[stream](`[worker ${name}] ${prefix}${describeLogContext(context)}${message}\n`)
    }
  return {
    debug: at(LEVEL_VALUES.debug, '', 'out'),
    info: at(LEVEL_VALUES.info, '', 'out'),
    warn: at(LEVEL_VALUES.warn, 'warning: ', 'err'),
    error: at(LEVEL_VALUES.error, 'error: ', 'err'),
  }
}

/**
 * A `Logger` for a program named `name` (a worker's name): pino's JSON lines, or readable ones,
 * on `output` (default: the program's stdout and stderr).
 */
export const cliLogger = (
  name: string,
  options: LogOptions,
  output: LogOutput = processLogOutput(),
): Logger => {
  if (options.logFormat === 'pretty') return prettyLogger(name, options.logLevel, output)
  const log = pino(
    {
      level: options.logLevel,
      base: { worker: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Every record on stdout, as pino writes them.
    { write: (line: string) => output.out(line) },
  )
  const at =
    (level: Level) =>
    (message: string, context?: LogContext): void => {
      if (context === undefined) log[level](message)
      else log[level]({ ...context }, message)
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
