/**
 * The few SVG shapes the outline drawing is made of, as text: boxes, pills, diamonds, lines
 * with arrows, and labels. Text is escaped; sizes come from a monospace font, so a label's
 * width is known without a browser.
 */

/** Width of one character of the drawing's font (13px monospace). */
export const CHAR_WIDTH = 7.9

/** The width `label` takes in the drawing's font. */
export const textWidth = (label: string): number => label.length * CHAR_WIDTH

/** Text made safe for SVG content and attribute values. */
export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A point. */
export interface Point {
  readonly x: number
  readonly y: number
}

/** What a node shows, and whether it is the current position. */
export interface NodeLook {
  readonly label: string
  readonly current: boolean
  /** The instruction's place in the outline (`data-cursor`), for the page and the tests. */
  readonly cursor: string
}

const r = (n: number): string => String(Math.round(n * 10) / 10)

const classes = (kind: string, look: NodeLook): string =>
  `class="node ${kind}${look.current ? ' current' : ''}" data-cursor="${escapeXml(look.cursor)}"`

const label = (centre: Point, text: string): string =>
  `<text x="${r(centre.x)}" y="${r(centre.y)}" text-anchor="middle" dominant-baseline="central">${escapeXml(text)}</text>`

/** A rectangle with rounded corners (a step); `round` makes it a pill (start, end, return). */
export const box = (
  topLeft: Point,
  size: { readonly width: number; readonly height: number },
  look: NodeLook,
  round = false,
): string =>
  `<g ${classes(round ? 'pill' : 'step', look)}><rect x="${r(topLeft.x)}" y="${r(topLeft.y)}" ` +
  `width="${r(size.width)}" height="${r(size.height)}" rx="${round ? r(size.height / 2) : 6}"/>` +
  `${label({ x: topLeft.x + size.width / 2, y: topLeft.y + size.height / 2 }, look.label)}</g>`

/** A diamond (a predicate), centred on `centre`. */
export const diamond = (
  centre: Point,
  size: { readonly width: number; readonly height: number },
  look: NodeLook,
): string => {
  const { x, y } = centre
  const w = size.width / 2
  const h = size.height / 2
  const points = `${r(x)},${r(y - h)} ${r(x + w)},${r(y)} ${r(x)},${r(y + h)} ${r(x - w)},${r(y)}`
  return `<g ${classes('predicate', look)}><polygon points="${points}"/>${label(centre, look.label)}</g>`
}

/** A line through `points`, with an arrow head at its end unless `arrow` is false. */
export const path = (points: readonly Point[], arrow = true): string => {
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.x)} ${r(p.y)}`).join(' ')
  return `<path class="edge" d="${d}"${arrow ? ' marker-end="url(#arrow)"' : ''}/>`
}

/** A small label beside an edge (`true`, `false`). */
export const edgeLabel = (at: Point, text: string): string =>
  `<text class="edge-label" x="${r(at.x)}" y="${r(at.y)}">${escapeXml(text)}</text>`

/** The SVG document around `body`. */
export const document = (
  size: { readonly width: number; readonly height: number },
  body: readonly string[],
): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" class="outline" width="${r(size.width)}" ` +
  `height="${r(size.height)}" viewBox="0 0 ${r(size.width)} ${r(size.height)}">` +
  '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" ' +
  'markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>' +
  `${body.join('')}</svg>`
