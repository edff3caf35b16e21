/** Printing a table of cells as Markdown, each column as wide as its widest cell. */

/** Print `rows` under `headers` as an aligned Markdown table on stdout. */
export const printMarkdownTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): void => {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (values: readonly string[]) =>
    `| ${widths.map((width, i) => (values[i] ?? '').padEnd(width)).join(' | ')} |`
  console.log(line(headers))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}
