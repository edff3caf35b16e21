/** Reading control broadcasts: obeyed only when the subject says what and for whom. */
import { describe, expect, it } from 'vitest'
import { intentSubject, readControlBroadcast } from '../../lib/comms/control-broadcasts.js'

const read = (subject: string | undefined, body: unknown) =>
  readControlBroadcast({ body, subject, sender: undefined, correlationId: undefined })

describe('intentSubject', () => {
  it('names the intent, and the pid when the broadcast is for one process', () => {
    expect(intentSubject('pause')).toBe('intent.pause')
    expect(intentSubject('kill', 'p-1')).toBe('intent.kill.p-1')
  })
})

describe('readControlBroadcast', () => {
  it('obeys intent.<intent> for every process and intent.<intent>.<pid> for one', () => {
    expect(read('intent.pause', { intent: 'pause', message: 'hold' })).toEqual({
      _tag: 'Obey',
      message: { intent: 'pause', message: 'hold' },
      pid: undefined,
    })
    expect(read('intent.kill.p-1', { intent: 'kill', force: true })).toEqual({
      _tag: 'Obey',
      message: { intent: 'kill', force: true },
      pid: 'p-1',
    })
    expect(read('intent.play', { intent: 'play' })).toMatchObject({ _tag: 'Obey' })
  })

  it.each([
    ['no subject', undefined, { intent: 'pause' }, 'it has no subject'],
    [
      'a bogus subject',
      'intent.bogus',
      { intent: 'pause' },
      "'bogus' is not an intent obeyed by broadcast (pause, play or kill)",
    ],
    [
      'the bare prefix',
      'intent',
      { intent: 'pause' },
      'its subject is neither intent.<intent> nor intent.<intent>.<pid>',
    ],
    [
      'too many parts',
      'intent.pause.p.1',
      { intent: 'pause' },
      'its subject is neither intent.<intent> nor intent.<intent>.<pid>',
    ],
    [
      'an address that is not a pid',
      'intent.pause.*',
      { intent: 'pause' },
      "its address is not a pid: '*' at index 0 is not allowed (a pid holds A-Z a-z 0-9 _ -)",
    ],
    [
      'status, which needs an answer',
      'intent.status',
      { intent: 'status' },
      "'status' is not an intent obeyed by broadcast (pause, play or kill)",
    ],
    [
      'a body whose intent is not the subject’s',
      'intent.play',
      { intent: 'kill' },
      'its body asks to kill, its subject to play',
    ],
    ['a malformed body', 'intent.kill', { intent: 'kill', force: 'yes' }, /^malformed body: /],
  ])('refuses %s, saying why', (_what, subject, body, reason) => {
    const reading = read(subject, body)
    expect(reading._tag).toBe('Refuse')
    if (reading._tag === 'Refuse')
      if (typeof reason === 'string') expect(reading.reason).toBe(reason)
      else expect(reading.reason).toMatch(reason)
  })
})
