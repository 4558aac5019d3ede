// The private lane on the live page: talk privately to the event's crisis worker over the
// live page's own socket (docs/protocol.md, "Talking privately"). Messages arrive once, in
// order, by seq; a reconnect resumes from the last one. Nothing is kept in the browser:
// the server tells a returning tab of the conversation as it joins.
import { element, newClientId, userText } from './live-socket.js'
import { gettext, interpolate, ngettext, systemText } from './i18n.js'

const section = document.getElementById('private-talk')
if (section) start(section)

function start (section) {
  const pane = document.getElementById('private-pane')
  const link = document.getElementById('private-talk-link')
  const withLine = document.getElementById('private-with')
  const waiting = document.getElementById('private-waiting')
  const list = document.getElementById('private-messages')
  const form = document.getElementById('private-form')
  const body = document.getElementById('private-body')
  const leave = document.getElementById('private-leave')
  const ends = document.getElementById('private-ends')
  const errorBox = document.getElementById('private-error')
  const errorMessage = document.getElementById('private-error-message')
  const exitButton = document.querySelector('.govuk-js-exit-this-page-button')
  const neutralExit = exitButton ? exitButton.getAttribute('href') : null
  const socket = () => window.outreachLive
  let conversation = null
  let lastSeq = 0
  let pending = null
  let lastQuestionId = null
  // The conversation this device forgot: its last frames may still arrive, and are not shown.
  let forgottenId = null

  function send (frame) {
    const live = socket()
    return Boolean(live && live.send(frame))
  }

  function showError (message) {
    errorMessage.textContent = message
    errorBox.hidden = false
    errorBox.focus()
  }

  function showUnavailable (message) {
    pane.hidden = false
    form.hidden = true
    withLine.textContent = ''
    waiting.textContent = message
    waiting.hidden = false
  }

  async function lane () {
    try {
      const response = await fetch(section.dataset.statusUrl, { credentials: 'same-origin' })
      return response.ok ? await response.json() : null
    } catch {
      return null
    }
  }

  function open (questionId) {
    const frame = { type: 'support_open', client_id: newClientId() }
    if (questionId) frame.question_id = questionId
    if (!send(frame)) window.location.href = link.href // the plain page works without the socket
  }

  link.addEventListener('click', (event) => {
    if (conversation && conversation.state !== 'ended') {
      event.preventDefault()
      body.focus()
      return
    }
    if (!socket() || !socket().isOpen || link.target) return // the plain page
    event.preventDefault()
    open(null)
  })

  // After triage: the help already shown also offers a person, when one is on duty.
  document.addEventListener('outreach:help-now', async (event) => {
    lastQuestionId = event.detail.questionId || lastQuestionId
    const status = await lane()
    const panel = document.getElementById('help-now')
    if (!status || !panel || panel.querySelector('.app-talk-offer')) return
    const content = panel.querySelector('.govuk-notification-banner__content')
    if (status.on_duty.length === 0) {
      const message = element('p', 'govuk-body app-talk-offer', systemText(status.message))
      content.append(message)
      message.scrollIntoView({ block: 'nearest' })
      return
    }
    const offer = element('button', 'govuk-button govuk-button--warning app-talk-offer', interpolate(gettext('Talk privately now to %(name)s'), { name: status.on_duty[0] }))
    offer.type = 'button'
    offer.addEventListener('click', () => {
      offer.disabled = true
      open(lastQuestionId)
    })
    content.append(offer)
    // On a phone the box is already taller than the screen, and the asker's own question
    // has just been listed above it: without this the offer lands below the fold.
    offer.scrollIntoView({ block: 'nearest' })
  })

  document.addEventListener('outreach:frame', (event) => {
    const frame = event.detail
    switch (frame.type) {
      case 'support_conversation':
        if (frame.conversation_id === forgottenId) break
        showConversation(frame)
        break
      case 'support_message':
        if (!conversation || frame.conversation_id !== conversation.conversation_id) break
        if (frame.seq <= lastSeq) break
        if (frame.seq > lastSeq + 1) {
          send({ type: 'support_resume', conversation_id: conversation.conversation_id, after: lastSeq })
          break
        }
        lastSeq = frame.seq
        showMessage(frame)
        break
      case 'support_ack':
        if (frame.client_id === pending) {
          pending = null
          body.value = ''
          errorBox.hidden = true
        }
        break
      case 'support_unavailable':
        showUnavailable(systemText(frame.message))
        break
      case 'error':
        if (pending && frame.client_id === pending) {
          // The words stay in the box; sending again is safe (same client_id).
          showError(systemText(frame.message))
        }
        break
    }
  })

  // "Forget my questions on this device" ended it: nothing of it stays on the page.
  document.addEventListener('outreach:device-forgotten', () => {
    if (conversation) forgottenId = conversation.conversation_id
    conversation = null
    lastSeq = 0
    pending = null
    list.replaceChildren()
    withLine.textContent = ''
    waiting.hidden = true
    ends.textContent = ''
    body.value = ''
    errorBox.hidden = true
    pane.hidden = true
    if (exitButton) exitButton.setAttribute('href', neutralExit)
  })

  function showConversation (frame) {
    const first = !conversation || conversation.conversation_id !== frame.conversation_id
    if (first) {
      list.replaceChildren()
      lastSeq = 0
    }
    conversation = frame
    pane.hidden = false
    form.hidden = frame.state === 'ended'
    if (frame.state === 'ended') {
      withLine.textContent = gettext('This private conversation has ended. If you are in danger now, call 999.')
      waiting.hidden = true
      ends.textContent = ''
    } else if (frame.with) {
      withLine.textContent = interpolate(gettext('You are talking privately with %(name)s.'), { name: frame.with })
      waiting.hidden = true
    } else {
      withLine.textContent = gettext('A crisis worker will reply to you here, privately.')
      const count = frame.waiting ? frame.waiting.ahead : 0
      const ahead = count ? interpolate(ngettext('%(count)s person is waiting before you.', '%(count)s people are waiting before you.', count), { count }) + ' ' : ''
      const minutes = frame.waiting ? frame.waiting.minutes : 5
      waiting.textContent = ahead + interpolate(ngettext('It may take about %(minutes)s minute. If you are in danger now, call 999.', 'It may take about %(minutes)s minutes. If you are in danger now, call 999.', minutes), { minutes })
      waiting.hidden = false
    }
    if (frame.state !== 'ended' && frame.closes_at) {
      const at = new Date(frame.closes_at).toLocaleTimeString(document.documentElement.lang || 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' })
      ends.textContent = interpolate(gettext('This conversation stays open until %(time)s at the latest, even after the webchat ends.'), { time: at })
    }
    if (exitButton) exitButton.setAttribute('href', frame.exit_url || neutralExit)
    if (frame.last_seq > lastSeq) {
      send({ type: 'support_resume', conversation_id: frame.conversation_id, after: lastSeq })
    }
    if (first && frame.state !== 'ended') body.focus()
  }

  function showMessage (frame) {
    const item = element('li', `app-talk__message app-talk__message--${frame.from}`)
    const who = frame.from === 'you' ? gettext('You') : frame.from === 'worker' ? (frame.name || gettext('Crisis worker')) : 'Outreach'
    const heading = element('p', 'govuk-body-s govuk-!-margin-bottom-1')
    heading.append(element('strong', null, who))
    const text = element('p', 'govuk-body')
    // What Outreach itself says is the server's English: shown in the reader's language.
    text.append(userText(frame.from === 'you' || frame.from === 'worker' ? frame.body : systemText(frame.body)))
    item.append(heading, text)
    list.append(item)
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (!conversation || !body.value.trim()) return
    pending = pending || newClientId()
    if (!send({ type: 'support_say', conversation_id: conversation.conversation_id, client_id: pending, body: body.value })) {
      showError(gettext('Not connected. Your message is still here: try again in a moment.'))
    }
  })

  leave.addEventListener('click', () => {
    if (conversation) send({ type: 'support_leave', conversation_id: conversation.conversation_id })
  })
}
