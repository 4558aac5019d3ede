// The crisis worker's console and conversation pages: the page is rendered by the server
// (every form works without JavaScript); this keeps it live. Any private-lane frame for
// this event refreshes the live part of the page in place (what is typed in a reply box is
// kept), announces a new arrival, and plays a sound if the worker asked for one.
import { LiveSocket, renderConnection } from './live-socket.js'

const root = document.getElementById('support-console')
if (root) start(root)

function start (root) {
  const live = document.getElementById('support-live')
  const announcer = document.getElementById('support-announcer')
  const connection = document.getElementById('connection-status')
  const soundOn = document.getElementById('sound-on')
  const conversationId = Number(root.dataset.conversationId || 0)
  let waiting = document.querySelectorAll('#waiting tbody tr').length
  let refreshing = null
  let someoneNew = false

  for (const button of document.querySelectorAll('.app-quick-reply')) {
    button.addEventListener('click', () => {
      const box = document.getElementById('reply-body')
      box.value = box.value ? `${box.value} ${button.dataset.text}` : button.dataset.text
      box.focus()
    })
  }

  // One refresh at a time. A frame that arrives during one may be newer than the page being
  // fetched, so it asks for one more fetch after it rather than being lost.
  let refreshAgain = false
  function refresh () {
    if (refreshing) {
      refreshAgain = true
      return refreshing
    }
    refreshing = (async () => {
      try {
        do {
          refreshAgain = false
          await refreshOnce()
        } while (refreshAgain)
      } finally {
        refreshing = null
      }
    })()
    return refreshing
  }

  async function refreshOnce () {
    const response = await fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store' })
    if (!response.ok) return
    const page = new DOMParser().parseFromString(await response.text(), 'text/html')
    const fresh = page.getElementById('support-live')
    if (fresh) {
      const focused = focusedInLive()
      const heardBefore = personMessages()
      live.replaceChildren(...fresh.childNodes)
      refocus(focused)
      // Counted, not taken from a frame: a message that came while the connection was
      // coming back (sending a reply reloads the page) is announced too.
      if (conversationId && personMessages() > heardBefore) announcer.textContent = 'New message from the person.'
    }
    const nowWaiting = document.querySelectorAll('#waiting tbody tr').length
    if (nowWaiting > waiting) arrived()
    if (nowWaiting === 0) someoneNew = false
    waiting = nowWaiting
    // The page's copy of the banner is always hidden: it stays shown until nobody waits.
    const banner = document.getElementById('support-new')
    if (banner) banner.hidden = !someoneNew
  }

  // A keyboard or screen reader user on a button in the queue keeps their place when it
  // updates: the same control (same kind, same words) is focused again in the new copy.
  function focusedInLive () {
    const active = document.activeElement
    if (!active || active === live || !live.contains(active)) return null
    return { tag: active.tagName, text: active.textContent.trim() }
  }

  function refocus (focused) {
    if (!focused) return
    const again = [...live.querySelectorAll(focused.tag)].find((el) => el.textContent.trim() === focused.text)
    if (again) again.focus()
  }

  function personMessages () {
    return live.querySelectorAll('.app-talk__message--person').length
  }

  function arrived () {
    someoneNew = true
    announcer.textContent = 'Someone new is waiting to talk.'
    document.title = `(new) ${document.title.replace(/^\(new\) /, '')}`
    if (soundOn && soundOn.checked) beep()
  }

  function beep () {
    try {
      const audio = new window.AudioContext()
      const tone = audio.createOscillator()
      tone.frequency.value = 660
      tone.connect(audio.destination)
      tone.start()
      tone.stop(audio.currentTime + 0.25)
    } catch {}
  }

  window.addEventListener('focus', () => {
    document.title = document.title.replace(/^\(new\) /, '')
  })

  const socket = new LiveSocket({
    path: root.dataset.wsPath,
    lastSeq: Number(root.dataset.lastSeq || 0),
    stopWhenAccessChanges: true,
    onState: (state) => renderConnection(connection, state),
    onFrame: (frame) => {
      if (frame.type === 'synced') {
        refresh() // whatever changed while the connection was away
      } else if (frame.type === 'support_queue' || frame.type === 'support_duty') {
        refresh()
      } else if (frame.type === 'support_message' && (!conversationId || frame.conversation_id === conversationId)) {
        refresh()
      }
    }
  })
  window.outreachLive = socket // the staff room pane (staffroom-pane.js) listens on it too
  socket.connect()
}
