// The staff room pane (templates/staffroom/pane.html; docs/protocol.md, "The staff room").
// The page works without this (the form posts, the page comes back). Here it goes live over
// the console's own socket (window.outreachLive, from console.js or support-console.js), or
// a socket of its own on a page that has none (the review console, the staff room's page).
// Messages are numbered per event: the pane skips any it has and asks for a gap to be sent
// again (staff_resume), so after a reconnect nothing is missing and nothing is twice.
import { LiveSocket, element, renderConnection, userText, newClientId } from './live-socket.js'

const pane = document.getElementById('staff-room')
if (pane) start(pane)

function start (pane) {
  const list = document.getElementById('staff-room-messages')
  const log = document.getElementById('staff-room-log')
  const empty = document.getElementById('staff-room-empty')
  const form = document.getElementById('staff-room-form')
  const box = document.getElementById('staff-room-body')
  const status = document.getElementById('staff-room-status')
  const clientIdField = form.elements.client_id
  const linkKind = pane.dataset.linkKind
  let lastSeq = Number(pane.dataset.lastSeq || 0)
  let resuming = false
  let pending = null // the client_id of the message on its way
  let socketOpen = false
  let ownSocket = false

  let socket = window.outreachLive
  if (socket) {
    // The console's socket: its frames and states go to the console first, then here.
    const consoleFrame = socket.onFrame
    const consoleState = socket.onState
    socket.onFrame = (frame) => {
      consoleFrame(frame)
      staffFrame(frame)
    }
    socket.onState = (state, delay) => {
      consoleState(state, delay)
      staffState(state)
    }
    // Opened before this module ran: ask now.
    if (socket.isOpen) staffState('connected')
  } else {
    const connection = document.getElementById('connection-status')
    socket = new LiveSocket({
      path: pane.dataset.wsPath,
      lastSeq: Number(pane.dataset.feedSeq || 0),
      stopWhenAccessChanges: true,
      onState: (state) => {
        renderConnection(connection, state)
        staffState(state)
      },
      onFrame: staffFrame
    })
    window.outreachLive = socket
    ownSocket = true
  }

  function resume () {
    if (!resuming) resuming = socket.send({ type: 'staff_resume', after: lastSeq })
  }

  // Each time the socket opens (the first time and after every reconnect): whatever was
  // said since the last message shown. A request on a socket that closed is lost with it.
  function staffState (state) {
    const open = state === 'connected' || state === 'delayed'
    if (open && !socketOpen) {
      resuming = false
      resume()
    }
    socketOpen = open
  }

  function staffFrame (frame) {
    if (frame.type === 'staff_message') {
      receive(frame)
    } else if (frame.type === 'staff_synced') {
      resuming = false
      if (frame.more) resume()
    } else if (frame.type === 'staff_ack' && frame.client_id === pending) {
      sent()
    } else if (frame.type === 'error' && pending && frame.client_id === pending) {
      pending = null
      status.textContent = `Not sent: ${frame.message}`
    }
  }

  function receive (frame) {
    if (frame.seq <= lastSeq) return
    if (frame.seq > lastSeq + 1) {
      resume()
      return
    }
    lastSeq = frame.seq
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40
    list.append(render(frame))
    empty.hidden = true
    if (atBottom || frame.client_id === pending) log.scrollTop = log.scrollHeight
  }

  function sent () {
    pending = null
    box.value = ''
    clientIdField.value = newClientId()
    status.textContent = 'Sent to the staff room.'
  }

  const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })

  function render (frame) {
    const item = element('li', 'app-staff-room__message')
    item.id = `staff-message-${frame.seq}`
    item.dataset.seq = frame.seq
    const head = element('p', 'govuk-body-s govuk-!-margin-bottom-0')
    const name = element('strong')
    name.append(userText(frame.from.name))
    const time = element('time', '', timeFormat.format(new Date(frame.sent_at)))
    time.dateTime = frame.sent_at
    head.append(name, ' ', element('span', 'app-staff-room__roles', frame.from.roles), ', ', time)
    const body = element('p', 'govuk-body govuk-!-margin-bottom-2 app-staff-room__body')
    for (const part of frame.parts) {
      const href = part.links ? part.links[linkKind] : null
      if (typeof href === 'string' && href.startsWith('/')) {
        const link = element('a', 'govuk-link', part.text)
        link.href = href
        body.append(link)
      } else {
        body.append(userText(part.text))
      }
    }
    item.append(head, body)
    return item
  }

  form.addEventListener('submit', (event) => {
    if (!socket.isOpen) return // the form posts, as without JavaScript
    event.preventDefault()
    const body = box.value.trim()
    if (!body) {
      status.textContent = 'Not sent: write a message first.'
      box.focus()
      return
    }
    pending = clientIdField.value
    status.textContent = 'Sending…'
    socket.send({ type: 'staff_say', client_id: pending, body })
  })

  // The newest message in view on arrival.
  log.scrollTop = log.scrollHeight
  if (ownSocket) socket.connect()
}
