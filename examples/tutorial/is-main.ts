// Each tutorial cell exports its definitions (the tests check them) and runs when it is the
// program: `npx tsx examples/tutorial/01-simple-process.ts`.
import { pathToFileURL } from 'node:url'

/** True when the module at `url` is the script node was started with. */
export const isMain = (url: string): boolean =>
  process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === url
