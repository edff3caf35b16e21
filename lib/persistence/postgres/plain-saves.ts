/**
 * Plain saves of the PostgreSQL store (no fence, not incremental): a whole body, which always
 * writes its row. Alone (not in a group-committed batch), a row this store last wrote with the
 * same indexed columns gets its body updated alone (`saveBody`), and any other the upsert that
 * reads back the version it stored (`saveWhole`), so that the process's next save can be that
 * update (see `written-rows.ts`). In a batch, the upsert that reads nothing back
 * (`saveWholeUnread`): a batch shares one commit among many saves, and a row to parse per save
 * would cost more there than the narrow update saves.
 */
import type pg from 'pg'
import type { Bundle } from '../../checkpoint/bundle.js'
import { isTerminal } from '../../process/state.js'
import type { Committed, LabelledStatement } from './group-commit.js'
import { POSTGRES_STATEMENTS } from './schema.js'
import { WrittenRows, type IndexedColumns } from './written-rows.js'

/** The name of one of the store's statements. */
export type StatementName = keyof typeof POSTGRES_STATEMENTS

/** One of the store's statements, with its values. */
export interface StoreStatement extends LabelledStatement {
  readonly label: StatementName
}

/** The statement `name` with `values`. */
export const statement = (name: StatementName, values: readonly unknown[]): StoreStatement => ({
  label: name,
  text: POSTGRES_STATEMENTS[name],
  values,
})

/**
 * How the store writes a save's statement (`name`, or alone the statements of `alone` in turn:
 * see `GroupedStatement.alone`).
 */
export type WriteStatement = (
  name: 'saveWholeUnread',
  values: readonly unknown[],
  lockKey: string,
  alone: readonly StoreStatement[] | undefined,
) => Promise<Committed>

/** A plain save: the process, its tag key, what it indexes, and the full upsert's values. */
export interface PlainSave {
  readonly bundle: Bundle
  readonly tagKey: string
  readonly indexed: IndexedColumns
  /** The parameters of `saveWhole` (the body is `$4`). */
  readonly wholeValues: readonly unknown[]
}

/** The plain saves of one store, and what it last wrote to each row (see the module comment). */
export class PlainSaves {
  private readonly written = new WrittenRows()

  constructor(private readonly write: WriteStatement) {}

  async save({ bundle, tagKey, indexed, wholeValues }: PlainSave): Promise<void> {
    const pid = bundle.pid
    const last = this.written.versionIf(pid, tagKey, indexed)
    // A finished process is not saved again: nothing to read the version back for.
    const learn = !isTerminal(bundle.snapshot.state)
    const whole = statement('saveWhole', wholeValues)
    const body = (version: number) =>
      statement('saveBody', [pid, tagKey, wholeValues[3], indexed.columns.inbox, version])
    const alone = last !== undefined ? [body(last), whole] : learn ? [whole] : undefined
    try {
      const { result, by } = await this.write('saveWholeUnread', wholeValues, pid, alone)
      // Which statement wrote: none of `alone` in a batch, else the upsert or the body update.
      const wrote = by === undefined ? undefined : alone?.[by]
      const version =
        wrote === whole
          ? storedVersion(result)
          : wrote !== undefined && last !== undefined
            ? last + 1
            : undefined
      if (version === undefined || !learn) this.written.forget(pid, tagKey)
      else this.written.wrote(pid, tagKey, indexed, version)
    } catch (error) {
      this.written.forget(pid, tagKey)
      throw error
    }
  }

  /** (pid, tagKey) was written in another way, or deleted. */
  forget(pid: string, tagKey: string): void {
    this.written.forget(pid, tagKey)
  }

  /** Every row of `pid` was deleted. */
  forgetProcess(pid: string): void {
    this.written.forgetProcess(pid)
  }
}

/** The version a `saveWhole` read back. */
const storedVersion = (result: pg.QueryResult): number | undefined => {
  const version = (result.rows[0] as { version?: string } | undefined)?.version
  return version === undefined ? undefined : Number(version)
}
