// `npm start`: runs every tutorial cell in order, in this one program, on the embedded defaults
// (no server needed).
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const cells = readdirSync(here)
  .filter((file) => /^\d\d-.*\.ts$/.test(file))
  .sort()

for (const cell of cells) {
  console.log(`\n=== ${cell} ===`)
  const module = (await import(pathToFileURL(join(here, cell)).href)) as {
    main: () => Promise<void>
  }
  await module.main()
}
console.log(`\n${cells.length} tutorial cells ran.`)
