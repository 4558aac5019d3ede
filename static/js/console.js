// The moderator and panellist consoles: live queue and feed over the event's socket.
// Every action is an ordinary form (it works without JavaScript); here the forms are sent
// over the socket instead, and the page updates from what the server broadcasts.
import { LiveSocket, element, renderConnection, renderStatusTag, userText, visibleText } from './live-socket.js'

const root = document.getElementById('console')
if (root) start(root)

function start (root) {
  const kind = root.dataset.console
  const connection = document.getElementById('connection-status')
  const announcer = document.getElementById('console-announcer')
  const viewerCount = document.getElementById('viewer-count')
  const csrf = document.querySelector('input[name=csrfmiddlewaretoken]')?.value || ''
  const slug = root.dataset.eventSlug

  const socket = new LiveSocket({
    path: root.dataset.wsPath,
    lastSeq: Number(root.dataset.lastSeq || 0),
    stopWhenAccessChanges: true,
    onState: (state) => renderConnection(connection, state),
    onFrame: (frame) => {
      if (frame.type === 'status') renderStatusTag(document.getElementById('live-status'), frame)
      if (frame.type === 'viewers') viewerCount.textContent = `Viewers: ${frame.count}`
      if (frame.type === 'error') showError(frame.message)
      if (kind === 'moderator') moderatorFrame(frame)
      else panellistFrame(frame)
    }
  })
  window.outreachLive = socket

  function say (text) {
    announcer.textContent = text
  }

  // Refusals (e.g. personal details still in the text) are shown, not only announced.
  const consoleError = document.getElementById('console-error')
  function showError (message) {
    say(`Not done: ${message}`)
    if (!consoleError) return
    document.getElementById('console-error-message').textContent = message
    consoleError.hidden = false
    consoleError.focus()
  }

  // Send a console form over the socket when connected; otherwise let it post.
  function intercept (form, toFrame) {
    form.addEventListener('submit', (event) => {
      if (!socket.isOpen) return
      const frame = toFrame(new FormData(form))
      if (!frame) return
      event.preventDefault()
      socket.send(frame)
    })
  }

  function formWithButton (action, label, hiddenLabel, classes) {
    const form = element('form', 'app-inline-form')
    form.method = 'post'
    form.action = action
    const token = element('input')
    token.type = 'hidden'
    token.name = 'csrfmiddlewaretoken'
    token.value = csrf
    const button = element('button', `govuk-button ${classes}`, label)
    button.type = 'submit'
    if (hiddenLabel) button.append(element('span', 'govuk-visually-hidden', hiddenLabel))
    form.append(token, button)
    return form
  }

  function field (id, labelText, control) {
    const group = element('div', 'govuk-form-group')
    const label = element('label', 'govuk-label govuk-label--s', labelText)
    label.htmlFor = id
    control.id = id
    group.append(label, control)
    return group
  }

  // Where a question goes, as the server words it (payloads.addressed_to / routed_to).
  function toText (to) {
    return to.panellist ? `${to.panellist} (${to.agency})` : to.agency
  }

  // ---------------------------------------------------------------- routing (moderators)
  // The choices of templates/chat/includes/route_form.html: [value, label] pairs.
  const routeChoicesData = document.getElementById('route-choices')
  const routeChoices = routeChoicesData ? JSON.parse(routeChoicesData.textContent) : []

  // "agency:<slug>" or "panellist:<id>" as a frame's `to` (chat.forms.to_target).
  function routeTarget (value) {
    const [kind, key] = String(value || '').split(/:(.*)/s)
    if (kind === 'panellist' && /^[0-9]+$/.test(key || '')) return { panellist: Number(key) }
    if (kind === 'agency' && key) return { agency: key }
    return null
  }

  function routeChoice (routed) {
    if (!routed) return ''
    return routed.panellist_id ? `panellist:${routed.panellist_id}` : `agency:${routed.agency_slug}`
  }

  function routeForm (questionId, name, routed) {
    const form = formWithButton(`/events/${slug}/moderate/questions/${questionId}/route/`, 'Route', ` ${name}`, 'govuk-button--secondary')
    form.className = 'app-route-form'
    const select = element('select', 'govuk-select')
    select.name = 'to'
    const choices = [['', 'As asked (nobody in particular)'], ...routeChoices]
    for (const [value, label] of choices) {
      const option = element('option', '', label)
      option.value = value
      select.append(option)
    }
    select.value = routeChoice(routed)
    const group = field(`route-to-${questionId}`, `Route ${name} to (only staff see this)`, select)
    group.classList.add('govuk-!-margin-bottom-2')
    form.prepend(group)
    wireRoute(form, questionId)
    return form
  }

  function wireRoute (form, questionId) {
    if (!form) return
    intercept(form, (data) => ({ type: 'route', question_id: questionId, to: routeTarget(data.get('to')) }))
  }

  // ---------------------------------------------------------------- moderators
  const queue = document.getElementById('queue')
  const queueEmpty = document.getElementById('queue-empty')
  const queueCount = document.getElementById('queue-count')

  function wireQueueItem (li) {
    const questionId = Number(li.dataset.questionId)
    const approve = li.querySelector('.app-approve-form')
    const reject = li.querySelector('.app-reject-form')
    const mute = li.querySelector('.app-mute-form')
    const pass = li.querySelector('.app-pass-form')
    if (pass) intercept(pass, () => ({ type: 'pass_to_crisis_worker', question_id: questionId }))
    wireRoute(li.querySelector('.app-route-form'), questionId)
    const original = li.querySelector('.app-feed__body').textContent
    intercept(approve, (data) => {
      const body = String(data.get('body') || '').trim()
      const frame = { type: 'approve', question_id: questionId, body: body && body !== original ? body : null }
      // The deliberate second step (docs/protocol.md): only when the moderator ticked it.
      if (data.get('publish_unmasked')) frame.publish_unmasked = true
      return frame
    })
    intercept(reject, (data) => ({ type: 'reject', question_id: questionId, reason: String(data.get('reason') || '') }))
    if (mute) {
      intercept(mute, () => ({ type: 'mute', participant_id: Number(li.dataset.participantId) }))
    }
    const masked = li.querySelector('.app-approve-masked-form')
    if (masked) {
      intercept(masked, (data) => ({ type: 'approve', question_id: questionId, body: String(data.get('body')) }))
    }
  }

  function queueItem (q) {
    const li = element('li', `app-queue-item${q.is_urgent ? ' app-queue-item--urgent' : ''}`)
    li.id = `queue-${q.question_id}`
    li.dataset.questionId = q.question_id
    li.dataset.participantId = q.participant_id ?? ''
    const meta = element('p', 'govuk-body-s govuk-!-margin-bottom-1')
    // The staff reference ("W-12"): never a public number (chat/models.py: staff_ref).
    meta.append(element('strong', 'app-staff-ref', q.ref), ' ')
    if (q.is_urgent) meta.append(element('strong', 'govuk-tag govuk-tag--red', 'Urgent'), ' ')
    // The language the asker read the page in: a question is published in its own language.
    if (q.language) meta.append(element('strong', 'govuk-tag govuk-tag--grey app-question-language', `In ${q.language}`), ' ')
    const asker = q.nickname ? ['“', userText(q.nickname), '”'] : ['an anonymous member of the public']
    const to = q.to ? (q.to.panellist ? `, for ${q.to.panellist} (${q.to.agency})` : `, for ${q.to.agency}`) : ''
    meta.append(`Asked ${new Date(q.asked_at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })} by `, ...asker, to)
    // As templates/chat/includes/queue_item.html: where a moderator routed it, for staff.
    const routedNote = element('span', 'app-routed', q.routed_to ? `Routed to ${toText(q.routed_to)}` : '')
    meta.append(q.routed_to ? '. ' : '', routedNote)
    const actions = element('div', 'app-queue-item__actions')
    const base = `/events/${slug}/moderate`

    const hasFindings = Boolean(q.findings && q.findings.length)
    // Each detail found, as it was typed, isolated: a fresh list of nodes for each place.
    const found = () => q.findings.flatMap((f, i) => [`${i ? '; ' : ''}${f.kind.replace(/_/g, ' ')} “`, userText(f.text), '”'])
    const approve = hasFindings
      ? formWithButton(`${base}/questions/${q.question_id}/approve/`, 'Publish without masking', ` ${q.ref}`, 'govuk-button--warning')
      : formWithButton(`${base}/questions/${q.question_id}/approve/`, 'Publish', ` ${q.ref}`, '')
    approve.className = 'app-approve-form'
    const text = element('textarea', 'govuk-textarea')
    text.name = 'body'
    text.rows = 3
    text.value = visibleText(q.body)
    const bodyField = field(`approve-body-${q.question_id}`, 'Text to publish (edit to remove personal details)', text)
    if (hasFindings) {
      // The same second step as templates/chat/includes/queue_item.html.
      const boxes = element('div', 'govuk-checkboxes govuk-checkboxes--small govuk-form-group')
      const item = element('div', 'govuk-checkboxes__item')
      const box = element('input', 'govuk-checkboxes__input')
      box.type = 'checkbox'
      box.name = 'publish_unmasked'
      box.value = 'on'
      box.id = `publish-unmasked-${q.question_id}`
      const boxLabel = element('label', 'govuk-label govuk-checkboxes__label', 'Publish for everyone to see, with these details: ')
      boxLabel.append(...found())
      boxLabel.htmlFor = box.id
      item.append(box, boxLabel)
      boxes.append(item)
      approve.prepend(bodyField, boxes)
    } else {
      approve.prepend(bodyField)
    }

    const reject = formWithButton(`${base}/questions/${q.question_id}/reject/`, 'Decline', ` ${q.ref}`, 'govuk-button--warning')
    reject.className = 'app-reject-form'
    const reason = element('input', 'govuk-input')
    reason.name = 'reason'
    reason.type = 'text'
    reason.maxLength = 500
    reason.value = "We can't discuss individual cases here. Please use the helplines on this page."
    reject.prepend(field(`reject-reason-${q.question_id}`, 'Reason for declining (only the asker sees it)', reason))

    if (hasFindings) {
      const details = element('details', 'govuk-details app-unmasked')
      const summary = element('summary', 'govuk-details__summary')
      const summaryText = element('span', 'govuk-details__summary-text', 'Edit the text, or publish without masking')
      summaryText.append(element('span', 'govuk-visually-hidden', ` (${q.ref})`))
      summary.append(summaryText)
      const inside = element('div', 'govuk-details__text')
      inside.append(approve)
      details.append(summary, inside)
      actions.append(details, reject)
    } else {
      actions.append(approve, reject)
    }
    actions.append(routeForm(q.question_id, q.ref, q.routed_to))
    if (q.participant_id) {
      const mute = formWithButton(`${base}/participants/${q.participant_id}/mute/`, 'Mute this person', ` (asker of ${q.ref})`, 'govuk-button--secondary')
      mute.className = 'app-mute-form'
      actions.append(mute)
    }
    li.append(meta, markedBody(q))
    if (root.dataset.crisisLane === 'true') {
      if (q.is_urgent) {
        const advice = element('p', 'govuk-body app-urgent-advice')
        advice.append(element('strong', null, 'Someone may be in danger now.'), ' Pass this to the crisis worker, who can talk with them privately. Do not publish it.')
        li.append(advice)
      }
      const pass = formWithButton(`${base}/questions/${q.question_id}/pass/`, 'Pass to the crisis worker', ` (question ${q.question_id})`, q.is_urgent ? 'govuk-button--warning' : 'govuk-button--secondary')
      pass.className = 'app-pass-form'
      li.append(pass)
    }
    if (q.blocked_words && q.blocked_words.length) {
      const flagged = element('p', 'govuk-body')
      flagged.append(element('strong', 'govuk-tag govuk-tag--orange', 'Blocked words'), ` ${q.blocked_words.join(', ')}`)
      li.append(flagged)
    }
    if (hasFindings) {
      const findings = element('p', 'govuk-body govuk-!-font-weight-bold app-findings', 'Personal details found: ')
      findings.append(...found())
      li.append(findings)
      const masked = formWithButton(`${base}/questions/${q.question_id}/approve/`, 'Publish with details masked', ` (${q.ref})`, '')
      masked.className = 'app-approve-masked-form'
      const hidden = element('input')
      hidden.type = 'hidden'
      hidden.name = 'body'
      hidden.value = visibleText(q.masked_body)
      const maskedText = element('p', 'govuk-body-s', 'With the details masked: “')
      maskedText.append(userText(q.masked_body), '”')
      masked.prepend(hidden, maskedText)
      li.append(masked)
    }
    li.append(actions)
    wireQueueItem(li)
    return li
  }

  // The question with each personal detail found in a <mark>, built from text nodes only,
  // isolated and without invisible controls as userText shows it.
  function markedBody (q) {
    const p = element('p', 'govuk-body app-feed__body')
    const isolated = element('bdi')
    const texts = [...new Set((q.findings || []).map((f) => f.text))].filter(Boolean)
    let rest = q.body
    while (rest) {
      const hits = texts.map((t) => [rest.indexOf(t), t]).filter(([at]) => at >= 0).sort((a, b) => a[0] - b[0])
      if (!hits.length) break
      const [at, text] = hits[0]
      isolated.append(visibleText(rest.slice(0, at)), element('mark', '', visibleText(text)))
      rest = rest.slice(at + text.length)
    }
    isolated.append(visibleText(rest))
    p.append(isolated)
    return p
  }

  function refreshQueueCount () {
    const count = queue.children.length
    queueCount.textContent = String(count)
    queueEmpty.hidden = count > 0
  }

  function placeInQueue (li, q) {
    // Urgent first, then oldest first: an urgent one goes after the last urgent one.
    if (q.is_urgent) {
      const firstCalm = [...queue.children].find((node) => !node.classList.contains('app-queue-item--urgent'))
      queue.insertBefore(li, firstCalm || null)
    } else {
      queue.append(li)
    }
  }

  function moderatorFrame (frame) {
    if (frame.type === 'queue') {
      queue.replaceChildren(...frame.questions.map(queueItem))
      refreshQueueCount()
    } else if (frame.type === 'queue_add') {
      if (!document.getElementById(`queue-${frame.question.question_id}`)) {
        placeInQueue(queueItem(frame.question), frame.question)
        refreshQueueCount()
        say(frame.question.is_urgent ? 'New urgent question waiting.' : 'New question waiting.')
      }
    } else if (frame.type === 'queue_remove') {
      const li = document.getElementById(`queue-${frame.question_id}`)
      if (li && frame.state === 'unhandled') addUnhandled(li)
      li?.remove()
      refreshQueueCount()
      // Published: the number the public sees; otherwise the staff reference it had.
      say(frame.number ? `${frame.ref} published as question ${frame.number}.` : `${frame.ref} ${REMOVED_AS[frame.state] || frame.state}.`)
    } else if (frame.type === 'question_routed') {
      for (const form of document.querySelectorAll(`form.app-route-form[action$="/questions/${frame.question_id}/route/"]`)) {
        form.querySelector('select').value = routeChoice(frame.routed_to)
      }
      const note = document.querySelector(`#queue-${frame.question_id} .app-routed`)
      if (note) note.textContent = frame.routed_to ? `Routed to ${toText(frame.routed_to)}` : ''
      const name = frame.number ? `Question ${frame.number}` : frame.ref
      say(frame.routed_to ? `${name} routed to ${toText(frame.routed_to)}.` : `${name}: routing cleared.`)
    } else if (frame.type === 'participant_muted') {
      for (const li of queue.querySelectorAll(`[data-participant-id="${frame.participant_id}"] .app-mute-form`)) {
        li.replaceWith(element('strong', 'govuk-tag govuk-tag--grey', 'Muted'))
      }
      say('Participant muted.')
    } else if (frame.type === 'message') {
      addPublished(frame)
    } else if (frame.type === 'pinned') {
      for (const li of document.querySelectorAll('#feed .app-feed__item')) {
        li.classList.toggle('app-feed__item--pinned', Number(li.dataset.seq) === frame.seq)
      }
      document.getElementById('unpin-form').hidden = !frame.seq
    }
  }

  const REMOVED_AS = {
    published: 'published',
    rejected: 'declined',
    unhandled: 'not reached before the end; its asker has been told',
    removed: 'removed from the queue because its asker was muted'
  }

  // A question still waiting when the webchat closed: listed, without its actions.
  function addUnhandled (li) {
    const list = document.getElementById('unhandled')
    const line = element('li', 'govuk-body app-feed__body')
    if (li.classList.contains('app-queue-item--urgent')) line.append(element('strong', 'govuk-tag govuk-tag--red', 'Urgent'), ' ')
    line.append(userText(li.querySelector('.app-feed__body').textContent))
    list.append(line)
    document.getElementById('unhandled-count').textContent = String(list.children.length)
    document.getElementById('unhandled-section').hidden = false
  }

  // As templates/chat/moderate.html: questions by their public number.
  function publishedLabel (item) {
    if (item.kind === 'question') return `Question ${item.number}`
    if (item.kind === 'answer') return `Answer to question ${item.question_number}`
    return 'Announcement'
  }

  function pinnedLabel (item) {
    if (item.kind === 'question') return `question (${item.number})`
    if (item.kind === 'answer') return `answer (to question ${item.question_number})`
    return 'announcement'
  }

  function addPublished (item) {
    const feed = document.getElementById('feed')
    if (document.getElementById(`item-${item.seq}`)) return
    const li = element('li', `app-feed__item app-feed__item--${item.kind}`)
    li.id = `item-${item.seq}`
    li.dataset.seq = item.seq
    const who = item.panellist ? ` from ${item.panellist.name}` : ''
    const meta = element('p', 'app-feed__meta')
    meta.append(element('strong', '', publishedLabel(item)), who)
    const body = item.body.length > 200 ? item.body.slice(0, 199) + '…' : item.body
    const pin = formWithButton(`/events/${slug}/moderate/pin/${item.seq}/`, 'Pin', ` this ${pinnedLabel(item)}`, 'govuk-button--secondary govuk-!-margin-bottom-0')
    pin.className = 'app-pin-form'
    wirePin(pin, item.seq)
    const bodyText = element('p', 'app-feed__body')
    bodyText.append(userText(body))
    li.append(meta, bodyText)
    if (item.kind === 'question') li.append(routeForm(item.question_id, `question ${item.number}`, null))
    li.append(pin)
    feed.append(li)
  }

  function wirePin (form, seq) {
    intercept(form, () => ({ type: 'pin', seq }))
  }

  if (kind === 'moderator') {
    queue.querySelectorAll('.app-queue-item').forEach(wireQueueItem)
    document.querySelectorAll('#feed .app-feed__item').forEach((li) => {
      wirePin(li.querySelector('.app-pin-form'), Number(li.dataset.seq))
      const route = li.querySelector('.app-route-form')
      if (route) wireRoute(route, Number(route.dataset.questionId))
    })
    wirePin(document.getElementById('unpin-form'), null)
    const announce = document.getElementById('announce-form')
    intercept(announce, (data) => {
      const body = String(data.get('body') || '').trim()
      if (!body) return null
      announce.reset()
      return { type: 'announce', body }
    })
  }

  // ---------------------------------------------------------------- panellists
  const questionsEmpty = document.getElementById('questions-empty')
  const myPanellist = Number(root.dataset.panellistId || 0)
  const myAgency = root.dataset.agencySlug || ''
  // Moderators' routings heard on this page (question_routed), by question id: a question
  // routed while it waited is placed by it once published.
  const routings = new Map()

  // As chat/selectors.py panel_group: for this panellist, for their agency, or the rest.
  function groupOf (to) {
    to = to || {}
    if (myPanellist && to.panellist_id === myPanellist) return 'for_you'
    if (myAgency && !to.panellist_id && to.agency_slug === myAgency) return 'for_agency'
    return 'rest'
  }

  function placeInGroup (li, group) {
    const list = document.getElementById(`panel-group-${group}`)
    li.classList.toggle('app-feed__item--for-me', group !== 'rest')
    list.prepend(li)
    for (const section of document.querySelectorAll('.app-panel-questions')) {
      section.closest('section').querySelector('.app-panel-group__count').textContent = String(section.children.length)
    }
  }

  function wireQuestion (li) {
    const questionId = Number(li.dataset.questionId)
    const answer = li.querySelector('.app-answer-form')
    intercept(answer, (data) => {
      const body = String(data.get('body') || '').trim()
      if (!body) return null
      answer.reset()
      return { type: 'answer', question_id: questionId, body }
    })
    const answered = li.querySelector('.app-mark-answered-form')
    intercept(answered, (data) => {
      const note = String(data.get('note') || '').trim()
      answered.reset()
      return { type: 'mark_answered', question_id: questionId, note }
    })
  }

  function panelQuestion (item) {
    const li = element('li', 'app-queue-item')
    li.id = `question-${item.question_id}`
    li.dataset.questionId = item.question_id
    li.dataset.seq = item.seq
    const meta = element('p', 'govuk-body-s govuk-!-margin-bottom-1')
    meta.append(`Question ${item.number}${item.to ? `, for ${toText(item.to)}` : ''}`, element('span', 'app-routed'))
    const base = `/events/${slug}/panel/questions/${item.question_id}`
    // At a webchat that reviews answers, the answer goes to the reviewers first.
    const answerLabel = root.dataset.answersReviewed === 'true' ? 'Send answer for review' : 'Publish answer'
    const answer = formWithButton(`${base}/answer/`, answerLabel, ` to question ${item.number}`, '')
    answer.className = 'app-answer-form'
    const text = element('textarea', 'govuk-textarea')
    text.name = 'body'
    text.rows = 4
    text.maxLength = 5000
    answer.prepend(field(`answer-body-${item.question_id}`, `Your answer to question ${item.number}`, text))
    const elsewhere = formWithButton(`${base}/answered/`, 'Mark answered in another reply', ` (question ${item.number})`, 'govuk-button--secondary')
    elsewhere.className = 'app-mark-answered-form'
    const note = element('input', 'govuk-input')
    note.type = 'text'
    note.name = 'note'
    note.maxLength = 500
    elsewhere.prepend(field(`answered-note-${item.question_id}`, `Which reply answers question ${item.number}? (optional, published as your note)`, note))
    const body = element('p', 'govuk-body app-feed__body')
    body.append(userText(item.body))
    li.append(meta, body, element('ul', 'govuk-list app-answers'), answer, elsewhere)
    wireQuestion(li)
    return li
  }

  // As templates/chat/includes/panel_question.html: a long answer is cut at 200 characters
  // with an ellipsis, and the whole of it is one click away.
  const ANSWER_PREVIEW = 200
  function answerShown (frame) {
    const body = frame.body
    if (body.length <= ANSWER_PREVIEW) return [userText(body)]
    const details = element('details', 'govuk-details govuk-!-margin-bottom-0 app-whole-answer')
    const summary = element('summary', 'govuk-details__summary')
    const label = element('span', 'govuk-details__summary-text', 'Read the whole answer')
    label.append(element('span', 'govuk-visually-hidden', ` from ${frame.panellist.name}`))
    summary.append(label)
    const whole = element('div', 'govuk-details__text')
    whole.append(userText(body))
    details.append(summary, whole)
    return [userText(body.slice(0, ANSWER_PREVIEW - 1) + '…'), details]
  }

  function panellistFrame (frame) {
    if (frame.type === 'question_routed') {
      routings.set(frame.question_id, frame.routed_to)
      const li = document.getElementById(`question-${frame.question_id}`)
      if (!li) return
      showRouting(li, frame.routed_to)
      const group = groupOf(frame.routed_to || JSON.parse(li.dataset.to || 'null'))
      placeInGroup(li, group)
      if (group === 'for_you') say(`Question ${frame.number} was routed to you.`)
      return
    }
    if (frame.type === 'answer_draft') {
      // Answer review: the panellist's own draft moved; the page lists them on reload.
      const said = { submitted: 'is with the reviewers', returned: 'was returned to you with a comment: reload the page to revise it', published: 'was published' }
      say(`Your answer to question ${frame.number} ${said[frame.state] || frame.state}.`)
      return
    }
    if (frame.type !== 'message') return
    if (frame.kind === 'question' && !document.getElementById(`question-${frame.question_id}`)) {
      const li = panelQuestion(frame)
      li.dataset.to = JSON.stringify(frame.to || null)
      const routed = routings.get(frame.question_id)
      showRouting(li, routed)
      placeInGroup(li, groupOf(routed || frame.to))
      questionsEmpty.hidden = true
      say(`New question ${frame.number} published.`)
    } else if (frame.kind === 'answer') {
      const list = document.querySelector(`#question-${frame.question_id} .app-answers`)
      if (list) {
        const line = element('li', 'govuk-body-s')
        const elsewhere = frame.mode === 'elsewhere' ? ' (answered in another reply)' : ''
        line.append(element('strong', '', frame.panellist.name), `${elsewhere}: `, ...answerShown(frame))
        list.append(line)
      }
    }
  }

  function showRouting (li, routed) {
    li.querySelector('.app-routed').textContent = routed ? `. Routed by a moderator to ${toText(routed)}` : ''
  }

  if (kind === 'panellist') document.querySelectorAll('.app-panel-questions .app-queue-item').forEach(wireQuestion)

  socket.connect()
}
