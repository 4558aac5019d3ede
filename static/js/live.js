// The public live page: live items, pause, private notices, and asking over the socket.
// Without JavaScript the page still shows everything published and asks by form post.
import { LiveSocket, element, newClientId, renderConnection, renderStatusTag, summarise, userText } from './live-socket.js'
import { askedBy, placeFeedItem, renderFeedItem } from './feed-item.js'
import { easyReadMessage } from '../easyread/easy-read.js'
import { gettext, interpolate, ngettext, systemText } from './i18n.js'


const root = document.getElementById('live-chat')
if (root) start(root)

function start (root) {
  const feed = document.getElementById('feed')
  const feedEmpty = document.getElementById('feed-empty')
  const announcer = document.getElementById('announcer')
  const pauseButton = document.getElementById('pause-button')
  const connection = document.getElementById('connection-status')
  const form = document.getElementById('ask-form')
  const askButton = document.getElementById('ask-button')
  const askError = document.getElementById('ask-error')
  const askErrorMessage = document.getElementById('ask-error-message')
  const closedBanner = document.getElementById('closed-banner')
  const closedNote = document.getElementById('ask-closed-note')
  const ownSection = document.getElementById('your-questions')
  const ownList = document.getElementById('own-questions')
  const pinnedSection = document.getElementById('pinned-section')
  const pinnedList = document.getElementById('pinned')
  const viewerCount = document.getElementById('viewer-count')
  const transcriptLink = document.getElementById('transcript-link')

  const questionBodies = new Map()
  for (const li of feed.querySelectorAll('.app-feed__item--question')) {
    questionBodies.set(Number(li.dataset.questionId), li.querySelector('.app-feed__body').textContent)
  }
  let paused = false
  let held = []
  let pendingClientId = null
  let lastQuestionId = null
  let accepting = root.dataset.accepting === 'true'
  let finished = root.dataset.finished === 'true' // as events.enums.EventStatus says
  let connectionState = 'connecting'

  const socket = new LiveSocket({
    path: root.dataset.wsPath,
    lastSeq: Number(root.dataset.lastSeq || 0),
    onState: (state) => {
      connectionState = state
      renderStatusLine()
      if (state === 'waiting' && pendingClientId) {
        // The question may not have arrived. It stays in the box; sending it again is safe
        // (same client_id), or the form posts it without the live connection.
        pendingClientId = null
        askButton.disabled = !accepting
      }
    },
    onFrame: handleFrame
  })
  window.outreachLive = socket // lets end-to-end tests drop the connection on purpose

  pauseButton.hidden = finished
  pauseButton.addEventListener('click', () => setPaused(!paused))

  function setPaused (pause) {
    paused = pause
    pauseButton.setAttribute('aria-pressed', String(paused))
    if (!paused) {
      held.forEach(showItem)
      held = []
    }
    updatePauseLabel()
  }

  function updatePauseLabel () {
    pauseButton.textContent = paused
      ? (held.length ? interpolate(gettext('Resume live updates (%(count)s new)'), { count: held.length }) : gettext('Resume live updates'))
      : gettext('Pause live updates')
    renderStatusLine()
  }

  // The line beside the Pause button says what is true now: paused (and how many items
  // wait), the connection's state while the webchat is on, and nothing once it is over.
  function renderStatusLine () {
    if (finished) {
      connection.textContent = ''
    } else if (paused) {
      connection.textContent = held.length ? interpolate(gettext('Live updates paused (%(count)s new).'), { count: held.length }) : gettext('Live updates paused.')
    } else {
      renderConnection(connection, connectionState)
    }
  }

  function finish (status) {
    finished = true
    for (const line of document.querySelectorAll('.app-me-too')) line.hidden = true
    if (paused) setPaused(false) // nothing new will come: show what was held back
    pauseButton.hidden = true
    viewerCount.hidden = true
    if (transcriptLink) transcriptLink.hidden = status !== 'archived'
    renderStatusLine()
  }

  function handleFrame (frame) {
    // The private lane (static/js/support-pane.js) hears its own frames, and errors.
    if (frame.type.startsWith('support_') || frame.type === 'error') {
      document.dispatchEvent(new CustomEvent('outreach:frame', { detail: frame }))
    }
    switch (frame.type) {
      case 'message':
        if (frame.kind === 'question') questionBodies.set(frame.question_id, frame.body)
        if (paused) {
          held.push(frame)
          updatePauseLabel()
        } else {
          showItem(frame)
        }
        break
      case 'status':
        renderStatusTag(document.getElementById('live-status'), frame)
        setAccepting(frame.accepting_questions, frame.finished)
        if (frame.finished) finish(frame.status)
        openQuestionsOnTime(frame)
        break
      case 'pinned':
        showPinned(frame.seq)
        break
      case 'ack':
        if (frame.client_id === pendingClientId) questionSent()
        lastQuestionId = frame.question_id
        break
      case 'own_question':
        showOwnQuestion(frame)
        break
      case 'error':
        if (frame.client_id && frame.client_id === pendingClientId) questionRefused(systemText(frame.message))
        break
      case 'muted':
        questionRefused(systemText(frame.message))
        break
      case 'help_now':
        showHelpNow(systemText(frame.message))
        document.dispatchEvent(new CustomEvent('outreach:help-now', { detail: { questionId: frame.question_id || lastQuestionId } }))
        break
      case 'asked_by':
        // A moderator attached similar questions to a published one: how many asked it.
        for (const line of document.querySelectorAll(`[data-question-id="${Number(frame.question_id)}"] .app-asked-by`)) {
          line.textContent = askedBy(frame.count)
        }
        break
      case 'me_too':
        meTooCounted(frame.question_id, frame.count)
        break
      case 'viewers':
        if (finished) break
        viewerCount.hidden = false
        viewerCount.textContent = ' ' + interpolate(ngettext('%(count)s watching', '%(count)s watching', frame.count), { count: frame.count })
        break
    }
  }

  function showItem (item) {
    const existing = document.getElementById(`item-${item.seq}`)
    if (existing && existing.parentElement === feed) return
    placeFeedItem(feed, renderFeedItem(item, questionBodies), item)
    feedEmpty.hidden = true
    // Announce a short summary, not the whole log, so screen readers are not flooded.
    announcer.textContent = summarise(item)
  }

  function showPinned (seq) {
    pinnedList.replaceChildren()
    const source = seq ? document.getElementById(`item-${seq}`) : null
    if (source) pinnedList.append(source.cloneNode(true))
    pinnedList.querySelectorAll('[id]').forEach((node) => node.removeAttribute('id'))
    pinnedSection.hidden = !source
  }

  function setAccepting (isAccepting, over) {
    accepting = isAccepting
    closedBanner.hidden = !over
    const finishedWords = over && easyReadMessage('finished') // the closing message in Easy Read
    if (finishedWords) closedBanner.querySelector('.govuk-notification-banner__heading').textContent = finishedWords
    closedNote.hidden = isAccepting
    if (over) closedNote.textContent = easyReadMessage('closed') || gettext('Questions are closed.')
    askButton.disabled = !isAccepting
    askButton.setAttribute('aria-disabled', String(!isAccepting))
    // The draft stays in the box whatever happens: the asker never loses their words.
  }

  // Questions opening in advance is a time, not a status change: no frame announces it.
  let opening = null
  function openQuestionsOnTime (status) {
    window.clearTimeout(opening)
    if (status.status !== 'scheduled' || status.accepting_questions || !status.questions_open_at) return
    const wait = Date.parse(status.questions_open_at) - Date.now()
    if (wait > 0 && wait < 2 ** 31) {
      opening = window.setTimeout(() => setAccepting(true, false), wait + 500)
    }
  }

  const OWN_STATES = {
    pending: [gettext('Waiting for a moderator'), 'govuk-tag--yellow'],
    published: [gettext('Published'), 'govuk-tag--blue'],
    answered: [gettext('Answered'), 'govuk-tag--green'],
    rejected: [gettext('Declined'), 'govuk-tag--red'],
    unhandled: [gettext('Not reached'), 'govuk-tag--grey'],
    removed: [gettext('Not published'), 'govuk-tag--grey'],
    // Not published: a moderator gave it to the crisis worker (the private pane says so).
    passed: [gettext('Passed to the crisis worker'), 'govuk-tag--purple'],
    // Attached by a moderator to a published question that asks the same (`reason` says which).
    merged: [gettext('Published with similar questions'), 'govuk-tag--blue']
  }
  const EDITED_NOTE = gettext('A moderator removed some details before publishing your question. This is how everyone sees it.')


  // As chat/payloads.py, merged_message: worded here, in the page's language.
  function mergedMessage (lead) {
    const values = { number: lead.number, others: lead.asked_by - 1 }
    const said = values.others > 0
      ? interpolate(ngettext(
        'A moderator published a question that asks the same as yours, as question %(number)s: you and %(others)s other person asked it.',
        'A moderator published a question that asks the same as yours, as question %(number)s: you and %(others)s other people asked it.',
        values.others), values)
      : interpolate(gettext('A moderator published a question that asks the same as yours, as question %(number)s.'), values)
    const then = lead.state === 'answered'
      ? interpolate(gettext('It has been answered: see question %(number)s on this page.'), values)
      : gettext('You will be told here when it is answered.')
    return `${said} ${then}`
  }

  function showOwnQuestion (own) {
    let li = document.getElementById(`own-${own.question_id}`)
    if (!li) {
      li = element('li')
      li.id = `own-${own.question_id}`
      ownList.append(li)
    }
    const answeredWith = own.state === 'merged' && own.published_with?.state === 'answered'
    const [label, modifier] = answeredWith ? OWN_STATES.answered : OWN_STATES[own.state] || [own.state, 'govuk-tag--grey']
    // Edited by a moderator (to remove details): show what everyone sees, not the original.
    const text = own.edited ? own.published_body : own.body
    const body = text.length > 200 ? text.slice(0, 199) + '…' : text
    const state = element('p', 'govuk-body-s')
    state.append(element('strong', `govuk-tag ${modifier}`, label))
    // Its public number, as the feed shows it (templates/chat/includes/own_questions.html).
    if (own.number && (own.state === 'published' || own.state === 'answered')) state.append(' ', interpolate(gettext('as question %(number)s'), { number: own.number }))
    if (own.state === 'merged' && own.published_with) state.append(' ', mergedMessage(own.published_with))
    else if (own.reason && ['rejected', 'unhandled'].includes(own.state)) state.append(' ', userText(systemText(own.reason)))
    const bodyText = element('p', 'govuk-body govuk-!-margin-bottom-1')
    bodyText.append(userText(body))
    li.replaceChildren(bodyText)
    if (own.edited) li.append(element('p', 'govuk-body-s govuk-!-margin-bottom-1 app-own-question__edited', EDITED_NOTE))
    li.append(state)
    const plain = easyReadMessage(`state:${own.state}`) // Easy Read's words for the state
    if (plain) li.append(easyReadState(plain))
    ownSection.hidden = false
  }

  // As easyread/templates/easyread/includes/question_state.html.
  function easyReadState (plain) {
    const line = element('p', 'app-easy-read__state')
    if (plain.picture) { // none in the words-only view
      const picture = element('img', 'app-easy-read__picture')
      picture.src = plain.picture
      picture.alt = plain.alt
      picture.width = picture.height = 64
      line.append(picture)
    }
    line.append(element('span', 'app-easy-read__words', plain.text))
    return line
  }

  form.addEventListener('submit', (event) => {
    if (!socket.isOpen) return // no live connection: the ordinary form post still works
    event.preventDefault()
    const body = form.elements.body.value.trim()
    if (!body) {
      questionRefused(easyReadMessage('empty') || gettext('Please write your question before sending it.'))
      return
    }
    if (!accepting) {
      questionRefused(gettext('Questions are not open for this webchat.'))
      return
    }
    pendingClientId = form.elements.client_id.value
    askButton.disabled = true
    const to = form.elements.to.value
    const [kind, key] = to.split(':')
    socket.send({
      type: 'ask',
      client_id: pendingClientId,
      body,
      nickname: form.elements.nickname.value,
      anonymous: form.elements.anonymous.checked,
      to: kind === 'panellist' ? { panellist: Number(key) } : kind === 'agency' ? { agency: key } : null
    })
  })

  // "I want to know this too": over the live connection when it is open; otherwise the
  // link opens the one-button form (chat.views.event_me_too).
  feed.addEventListener('click', (event) => {
    const link = event.target.closest('.app-me-too__link')
    if (!link || finished) return
    if (socket.send({ type: 'me_too', question_id: Number(link.dataset.questionId) })) event.preventDefault()
  })

  // As chat.views.me_too_said.
  function meTooCounted (questionId, count) {
    const others = count - 1
    const said = others <= 0
      ? gettext('Thank you: the panel can see you want to know this too.')
      : interpolate(ngettext('Thank you: the panel can see you want to know this too, with %(others)s other person.', 'Thank you: the panel can see you want to know this too, with %(others)s other people.', others), { others })
    for (const line of document.querySelectorAll(`.app-me-too__link[data-question-id="${Number(questionId)}"]`)) {
      line.parentElement.replaceChildren(said)
    }
    announcer.textContent = said
  }

  function questionSent () {
    pendingClientId = null
    form.elements.body.value = ''
    form.elements.body.dispatchEvent(new Event('input')) // refresh the character count
    form.elements.client_id.value = newClientId()
    askError.hidden = true
    askButton.disabled = !accepting
    announcer.textContent = easyReadMessage('sent') || gettext('Your question was sent. A moderator will read it before it is published.')
  }

  function showHelpNow (message) {
    // Said at once and assertively: the asker may be in danger now.
    const panel = document.getElementById('help-now')
    panel.querySelector('p').textContent = message
    panel.hidden = false
    panel.focus()
  }

  function questionRefused (message) {
    // Keep the text and the client_id: sending again is safe and stored once.
    askErrorMessage.textContent = message
    askError.hidden = false
    askError.focus()
    askButton.disabled = !accepting
  }

  socket.connect()
}
