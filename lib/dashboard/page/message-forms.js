// @ts-check
/**
 * The forms that send a process something from outside: a signal by name with a JSON payload,
 * and a resume with an optional JSON value (as `plumpy-ts signal` and `plumpy-ts resume` do).
 * Made once per page, so that live redraws keep what is typed in them; what they send goes
 * through the page's `act`, and what they refuse before sending shows where its answer would.
 * @typedef {'pause' | 'play' | 'kill' | 'signal' | 'resume'} Action
 * @typedef {(action: Action, request: Record<string, unknown>) => Promise<void>} Act
 * @typedef {(text: string) => void} Refuse
 */
import { h } from './dom.js'

/**
 * The JSON in `text` (`undefined` when empty), or why it is not JSON, named by `field`.
 * @param {string} text
 * @param {string} field
 * @returns {{ value: unknown } | { problem: string }}
 */
const parsed = (text, field) => {
  if (text === '') return { value: undefined }
  try {
    return { value: JSON.parse(text) }
  } catch (e) {
    return { problem: `${field}: not JSON (${e instanceof Error ? e.message : String(e)})` }
  }
}

/** @param {HTMLElement} input */
const valueOf = (input) => /** @type {HTMLInputElement} */ (input).value.trim()

/**
 * The signal form: its name and payload inputs and its button.
 * @param {Act} act
 * @param {Refuse} refuse
 * @returns {HTMLElement[]}
 */
export const signalForm = (act, refuse) => {
  const name = h('input', {
    id: 'signal-name',
    'aria-label': 'signal name',
    placeholder: 'signal name',
    size: 14,
  })
  const payload = h('input', {
    id: 'signal-payload',
    'aria-label': 'signal payload (JSON)',
    placeholder: 'payload (JSON)',
    size: 22,
  })
  const send = () => {
    const read = parsed(valueOf(payload), 'payload')
    if ('problem' in read) return refuse(read.problem)
    if (valueOf(name) === '') return refuse('name: a signal is sent by its name')
    void act('signal', { name: valueOf(name), payload: read.value ?? null })
  }
  return [name, payload, h('button', { type: 'button', id: 'signal', onclick: send }, 'Signal')]
}

/**
 * The resume form: an optional JSON value and its button. Without a value the process is
 * resumed with none; a value is checked by the wait for a resume (or kept in the inbox).
 * @param {Act} act
 * @param {Refuse} refuse
 * @returns {HTMLElement[]}
 */
export const resumeForm = (act, refuse) => {
  const value = h('input', {
    id: 'resume-value',
    'aria-label': 'resume value (JSON, optional)',
    placeholder: 'value (JSON, optional)',
    size: 22,
  })
  const send = () => {
    const read = parsed(valueOf(value), 'value')
    if ('problem' in read) return refuse(read.problem)
    void act('resume', read.value === undefined ? {} : { value: read.value })
  }
  return [value, h('button', { type: 'button', id: 'resume', onclick: send }, 'Resume')]
}

/**
 * What an inbox keeps, oldest first (`resume`, `signal approve`): payloads stay out.
 * @param {readonly import('../wire.js').KeptJson[]} inbox
 */
export const inboxList = (inbox) =>
  h(
    'ul',
    { id: 'inbox' },
    inbox.map((item) => h('li', {}, item.kind === 'resume' ? 'resume' : `signal ${item.name}`)),
  )
