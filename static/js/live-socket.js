// A WebSocket to one event's live chat that reconnects with backoff and resumes by seq.
// Shared by the public live page (live.js) and the consoles (console.js).
import { gettext, gettext_noop, interpolate, systemText } from './i18n.js'


const CLOSE_NO_SUCH_EVENT = 4404
// Signed out, or a role at this event was taken away (docs/protocol.md).
const CLOSE_SIGNED_OUT = 4401
const CLOSE_ACCESS_CHANGED = 4403
// The server cannot reach Redis or its database: wait longer before trying again.
const CLOSE_UNAVAILABLE = 4503
// This network has been sent all the history it may for now: wait as long.
const CLOSE_REPLAY_LIMITED = 4429

// Reconnecting (docs/protocol.md, "Reconnecting"): 1 s doubling to 30 s, each delay
// randomised to between half and all of it, so thousands of browsers do not come back in the
// same second. The attempt count resets only once a connection has stayed up, synced, for
// STABLE_MS: a server that accepts and then drops does not get hammered.
export const BACKOFF = { firstMs: 1000, maxMs: 30000, unavailableMs: 15000, stableMs: 10000 }

export function backoffDelay (attempt, code, random = Math.random) {
  let delay = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** attempt)
  if (code === CLOSE_UNAVAILABLE || code === CLOSE_REPLAY_LIMITED) {
    delay = Math.max(delay, BACKOFF.unavailableMs)
  }
  return Math.round(delay * (0.5 + random() / 2))
}

export class LiveSocket {
  constructor ({ path, lastSeq, onFrame, onState, stopWhenAccessChanges = false }) {
    this.path = path
    // A console stops (its page is no longer this person's); the live page carries on as
    // whoever the browser now is.
    this.stopWhenAccessChanges = stopWhenAccessChanges
    this.lastSeq = lastSeq
    this.onFrame = onFrame
    this.onState = onState
    this.attempt = 0
    this.socket = null
    this.stopped = false
    this.resuming = false
    this.stableTimer = null
  }

  url () {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
    return `${scheme}://${window.location.host}${this.path}?after=${this.lastSeq}`
  }

  connect () {
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting')
    const socket = new WebSocket(this.url())
    this.socket = socket
    this.resuming = false
    socket.addEventListener('open', () => {
      this.onState('connected')
    })
    socket.addEventListener('message', (event) => {
      let frame
      try {
        frame = JSON.parse(event.data)
      } catch {
        return
      }
      if (frame.type === 'message') {
        // Exactly once, in order: skip what we have; ask once for any gap to be re-sent.
        if (frame.seq <= this.lastSeq) return
        if (frame.seq > this.lastSeq + 1) {
          if (!this.resuming) this.resuming = this.send({ type: 'resume', after: this.lastSeq })
          return
        }
        this.lastSeq = frame.seq
      } else if (frame.type === 'synced') {
        this.resuming = false
        if (frame.more) {
          // A long history comes a page at a time: ask for the next from what we have.
          this.resuming = this.send({ type: 'resume', after: this.lastSeq })
        } else {
          this.markStableLater(socket)
        }
      } else if (frame.type === 'feed') {
        this.onState(frame.live ? 'connected' : 'delayed')
      }
      this.onFrame(frame)
    })
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return
      this.socket = null
      window.clearTimeout(this.stableTimer)
      if (this.stopped || event.code === CLOSE_NO_SUCH_EVENT) {
        this.onState('stopped')
        return
      }
      if (event.code === CLOSE_SIGNED_OUT || event.code === CLOSE_ACCESS_CHANGED) {
        if (this.stopWhenAccessChanges) {
          this.stopped = true
          this.onState('revoked')
          return
        }
        // Carry on at once as whoever the browser now is (unless this keeps happening).
        if (this.attempt === 0) {
          this.attempt = 1
          this.connect()
          return
        }
      }
      const delay = backoffDelay(this.attempt, event.code)
      this.attempt += 1
      this.onState(event.code === CLOSE_UNAVAILABLE ? 'unavailable' : 'waiting', delay)
      window.setTimeout(() => this.connect(), delay)
    })
  }

  markStableLater (socket) {
    window.clearTimeout(this.stableTimer)
    this.stableTimer = window.setTimeout(() => {
      if (this.socket === socket && this.isOpen) this.attempt = 0
    }, BACKOFF.stableMs)
  }

  get isOpen () {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN
  }

  send (frame) {
    if (!this.isOpen) return false
    this.socket.send(JSON.stringify(frame))
    return true
  }

  // For tests and for people: drop the connection; it comes back and resumes.
  drop () {
    if (this.socket) this.socket.close()
  }
}

export function element (tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

// Characters that change how text is shown without showing themselves (bidirectional
// overrides and isolates, zero-width spaces, ...): safeguarding/detection.py's
// _INVISIBLE_CONTROLS, the same class (tests/chat/test_user_text.py holds them equal).
const INVISIBLE_CONTROLS = /[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

export function visibleText (text) {
  return String(text ?? '').replace(INVISIBLE_CONTROLS, '')
}

// Text someone typed, as templates/chat show it (the `isolated` filter): without invisible
// controls, in a <bdi>, so a right-to-left override cannot reorder what is around it.
export function userText (text) {
  return element('bdi', '', visibleText(text))
}

// The `status` frame carries its own label and tag (events.enums.EventStatus).
export function renderStatusTag (container, status) {
  container.replaceChildren(element('strong', `govuk-tag ${status.tag}`, systemText(status.label)))
}

const CONNECTION_TEXT = {
  connecting: gettext('Connecting to live updates…'),
  connected: gettext('Live updates on.'),
  reconnecting: gettext('Reconnecting…'),
  waiting: gettext('Connection lost. Trying again…'),
  unavailable: gettext('Live updates are unavailable for a moment. Trying again shortly…'),
  delayed: gettext('Live updates are delayed: new items may take a few seconds to appear.'),
  stopped: gettext('Live updates are off. Reload the page to see new items.'),
  revoked: gettext('You were signed out, or your role at this webchat changed. Reload the page.')
}
// The status frame's label is the server's English (events.enums.EventStatus): these mark
// its words for this catalogue, and renderStatusTag shows them translated.
export const STATUS_LABELS = [gettext_noop('Upcoming'), gettext_noop('Live now'), gettext_noop('Finished'), gettext_noop('Cancelled'), gettext_noop('Draft')]

export function renderConnection (container, state) {
  if (container) container.textContent = CONNECTION_TEXT[state] || ''
}

export function summarise (item) {
  if (item.kind === 'question') return gettext('New question published.')
  if (item.kind === 'answer') return interpolate(gettext('New answer from %(name)s, %(agency)s.'), { name: item.panellist.name, agency: item.panellist.agency_short_name })
  return gettext('New announcement from the moderators.')
}

// A client_id for a frame that is stored once (ask, support_say): a random UUID.
export function newClientId () {
  if (window.crypto.randomUUID) return window.crypto.randomUUID()
  const bytes = window.crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
