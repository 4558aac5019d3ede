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
      // Other apps' modules on the page hear every frame (static/js/similar-console.js).
      document.dispatchEvent(new CustomEvent('outreach:frame', { detail: frame }))
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
  // The queue is compact rows; one row at a time is open, with its full form (as
  // templates/chat/includes/queue_item.html and queue_detail.html). Opening a row tells the
  // event's other moderators it is taken (queue_take; question_locks/), until it is acted on,
  // closed, the console goes, or a minute has passed.
  const queue = document.getElementById('queue')
  const queueEmpty = document.getElementById('queue-empty')
  const queueCount = document.getElementById('queue-count')
  const noneShown = document.getElementById('queue-none-shown')
  const myUserId = Number(root.dataset.userId || 0)
  // Each waiting question's payload, by id: from the `queue` frame and `queue_add`.
  const payloads = new Map()
  // Questions open on another moderator's console: id -> { by, timer }.
  const takenByOthers = new Map()
  let openId = null
  let lastTake = 0
  const RENEW_AFTER_MS = 20000

  function rowOf (questionId) {
    return document.getElementById(`queue-${questionId}`)
  }

  function wireQueueItem (li) {
    const questionId = Number(li.dataset.questionId)
    const approve = li.querySelector('.app-approve-form')
    if (!approve) return
    const reject = li.querySelector('.app-reject-form')
    const mute = li.querySelector('.app-mute-form')
    const pass = li.querySelector('.app-pass-form')
    if (pass) intercept(pass, () => ({ type: 'pass_to_crisis_worker', question_id: questionId }))
    wireRoute(li.querySelector('.app-route-form'), questionId)
    const original = visibleText(payloads.get(questionId)?.body ?? li.querySelector('.app-queue-row__body').textContent)
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
    // Still working on it: it stays taken while they type (question_locks renews it).
    li.querySelector('.app-queue-row__detail').addEventListener('input', () => {
      if (openId === questionId && Date.now() - lastTake > RENEW_AFTER_MS) take(questionId)
    })
  }

  // As chat/queue_filters.py: what the filters know of a question.
  function traitsOf (q) {
    const traits = []
    if (q.is_urgent) traits.push('urgent')
    if (q.findings && q.findings.length) traits.push('details')
    if (queue.dataset.startsAt && new Date(q.asked_at) < new Date(queue.dataset.startsAt)) traits.push('advance')
    if (targetsOf(q).length) traits.push('addressed')
    return traits
  }

  function targetsOf (q) {
    const targets = []
    for (const to of [q.to, q.routed_to]) {
      if (!to) continue
      if (to.panellist_id) targets.push(`panellist:${to.panellist_id}`)
      if (to.agency_slug) targets.push(`agency:${to.agency_slug}`)
    }
    return targets
  }

  function tag (text, colour) {
    return element('strong', `govuk-tag govuk-tag--${colour}`, text)
  }

  // A compact row: reference, tags, who asked and for whom, and the text cut to two lines.
  function queueItem (q) {
    const li = element('li', `app-queue-item app-queue-row${q.is_urgent ? ' app-queue-item--urgent' : ''}`)
    li.id = `queue-${q.question_id}`
    li.dataset.questionId = q.question_id
    li.dataset.participantId = q.participant_id ?? ''
    const traits = traitsOf(q)
    li.dataset.traits = traits.join(' ')
    li.dataset.to = targetsOf(q).join(' ')
    li.tabIndex = -1
    li.setAttribute('aria-labelledby', `queue-${q.question_id}-ref`)
    const meta = element('p', 'govuk-body-s govuk-!-margin-bottom-1 app-queue-row__meta')
    // The staff reference ("W-12"): never a public number (chat/models.py: staff_ref).
    const ref = element('strong', 'app-staff-ref', q.ref)
    ref.id = `queue-${q.question_id}-ref`
    meta.append(ref, ' ')
    if (q.is_urgent) meta.append(tag('Urgent', 'red'), ' ')
    if (traits.includes('details')) meta.append(tag('Personal details', 'orange'), ' ')
    if (traits.includes('advance')) meta.append(tag('In advance', 'grey'), ' ')
    const taken = tag('', 'purple')
    taken.classList.add('app-queue-row__taken')
    taken.hidden = true
    meta.append(taken)
    // The language the asker read the page in: a question is published in its own language.
    if (q.language) meta.append(element('strong', 'govuk-tag govuk-tag--grey app-question-language', `In ${q.language}`), ' ')
    const asker = q.nickname ? ['“', userText(q.nickname), '”'] : ['an anonymous member of the public']
    const to = q.to ? (q.to.panellist ? `, for ${q.to.panellist} (${q.to.agency})` : `, for ${q.to.agency}`) : ''
    meta.append(` Asked ${new Date(q.asked_at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' })} by `, ...asker, to)
    // As templates/chat/includes/queue_item.html: where a moderator routed it, for staff.
    const routedNote = element('span', 'app-routed', q.routed_to ? `Routed to ${toText(q.routed_to)}` : '')
    meta.append(q.routed_to ? '. ' : '', routedNote)
    const body = markedBody(q)
    body.classList.add('app-queue-row__body')
    const toggle = element('a', 'govuk-link app-queue-row__toggle', 'Open')
    toggle.href = `?open=${q.question_id}#queue-${q.question_id}`
    toggle.append(element('span', 'govuk-visually-hidden', ` ${q.ref}`))
    li.append(meta, body, toggle)
    showTaken(li)
    return li
  }

  // The open row's actions, as templates/chat/includes/queue_detail.html.
  function queueDetail (q) {
    const detail = element('div', 'app-queue-row__detail')
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
      // The same second step as templates/chat/includes/queue_detail.html.
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
    if (root.dataset.crisisLane === 'true') {
      if (q.is_urgent) {
        const advice = element('p', 'govuk-body app-urgent-advice')
        advice.append(element('strong', null, 'Someone may be in danger now.'), ' Pass this to the crisis worker, who can talk with them privately. Do not publish it.')
        detail.append(advice)
      }
      const pass = formWithButton(`${base}/questions/${q.question_id}/pass/`, 'Pass to the crisis worker', ` (question ${q.question_id})`, q.is_urgent ? 'govuk-button--warning' : 'govuk-button--secondary')
      pass.className = 'app-pass-form'
      detail.append(pass)
    }
    if (q.blocked_words && q.blocked_words.length) {
      const flagged = element('p', 'govuk-body')
      flagged.append(tag('Blocked words', 'orange'), ` ${q.blocked_words.join(', ')}`)
      detail.append(flagged)
    }
    if (hasFindings) {
      const findings = element('p', 'govuk-body govuk-!-font-weight-bold app-findings', 'Personal details found: ')
      findings.append(...found())
      detail.append(findings)
      const masked = formWithButton(`${base}/questions/${q.question_id}/approve/`, 'Publish with details masked', ` (${q.ref})`, '')
      masked.className = 'app-approve-masked-form'
      const hidden = element('input')
      hidden.type = 'hidden'
      hidden.name = 'body'
      hidden.value = visibleText(q.masked_body)
      const maskedText = element('p', 'govuk-body-s', 'With the details masked: “')
      maskedText.append(userText(q.masked_body), '”')
      masked.prepend(hidden, maskedText)
      detail.append(masked)
    }
    detail.append(actions)
    return detail
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

  // ------------------------------------------------ opening, closing, "taken"
  function refOf (li) {
    return li.querySelector('.app-staff-ref').textContent
  }

  function take (questionId) {
    if (socket.send({ type: 'queue_take', question_id: questionId })) lastTake = Date.now()
  }

  function openRow (li) {
    const questionId = Number(li.dataset.questionId)
    if (openId !== null && openId !== questionId) {
      const current = rowOf(openId)
      if (current) closeRow(current, { letGo: false })
    }
    if (!li.querySelector('.app-queue-row__detail')) {
      const q = payloads.get(questionId)
      // Not heard from the server yet: the page opens it instead.
      if (!q) {
        window.location.assign(li.querySelector('.app-queue-row__toggle').href)
        return false
      }
      li.append(queueDetail(q))
      wireQueueItem(li)
    }
    li.classList.add('app-queue-row--open')
    setToggle(li, 'Close')
    openId = questionId
    const other = takenByOthers.get(questionId)
    if (other) {
      say(`${refOf(li)} opened. ${other.by} has it open too.`)
    } else {
      take(questionId)
      say(`${refOf(li)} opened.`)
    }
    return true
  }

  function closeRow (li, { letGo = true } = {}) {
    const questionId = Number(li.dataset.questionId)
    li.querySelector('.app-queue-row__detail')?.remove()
    li.classList.remove('app-queue-row--open')
    setToggle(li, 'Open')
    if (openId === questionId) {
      openId = null
      // Opening another lets go of this one on the server (one open per console).
      if (letGo) socket.send({ type: 'queue_let_go', question_id: questionId })
    }
  }

  function setToggle (li, label) {
    const toggle = li.querySelector('.app-queue-row__toggle')
    toggle.firstChild.textContent = label
  }

  function showTaken (li) {
    const other = takenByOthers.get(Number(li.dataset.questionId))
    const note = li.querySelector('.app-queue-row__taken')
    li.classList.toggle('app-queue-row--taken', Boolean(other))
    note.hidden = !other
    note.textContent = other ? `Open by ${other.by}` : ''
  }

  function markTaken (frame) {
    const previous = takenByOthers.get(frame.question_id)
    if (previous) clearTimeout(previous.timer)
    if (frame.by_user_id === myUserId) {
      takenByOthers.delete(frame.question_id)
    } else {
      // After its minute it is over, whether or not the release reaches this console.
      const timer = setTimeout(() => markReleased(frame.question_id), frame.seconds * 1000)
      takenByOthers.set(frame.question_id, { by: frame.by, timer })
    }
    const li = rowOf(frame.question_id)
    if (!li) return
    showTaken(li)
    if (!previous && frame.by_user_id !== myUserId && li.contains(document.activeElement)) say(`${refOf(li)} is open on ${frame.by}'s console.`)
  }

  function markReleased (questionId) {
    const previous = takenByOthers.get(questionId)
    if (previous) clearTimeout(previous.timer)
    takenByOthers.delete(questionId)
    const li = rowOf(questionId)
    if (li) showTaken(li)
  }

  // ------------------------------------------------ filters and search (chat/queue_filters.py)
  const filterForm = document.getElementById('queue-filters')
  const searchBox = document.getElementById('queue-search')
  const forSelect = document.getElementById('queue-for')
  const shownStatus = document.getElementById('queue-shown')

  function currentFilters () {
    const traits = [...filterForm.querySelectorAll('.govuk-checkboxes__input:checked')].map((box) => box.name)
    const words = searchBox.value.toLowerCase().split(/\s+/).filter(Boolean)
    return { traits, to: forSelect.value, words }
  }

  function searchText (li) {
    const q = payloads.get(Number(li.dataset.questionId))
    if (!q) return li.textContent.toLowerCase()
    const toWords = (to) => (to ? `${to.panellist || ''} ${to.agency}` : '')
    return [q.ref, q.body, q.nickname || '', toWords(q.to), toWords(q.routed_to)].join(' ').toLowerCase()
  }

  function matches (li, filters) {
    const traits = li.dataset.traits.split(' ')
    return filters.traits.every((trait) => traits.includes(trait)) &&
      (!filters.to || li.dataset.to.split(' ').includes(filters.to)) &&
      filters.words.every((word) => searchText(li).includes(word))
  }

  function applyFilters () {
    if (!filterForm) return
    const filters = currentFilters()
    const rows = [...queue.children]
    let shown = 0
    for (const li of rows) {
      li.hidden = !matches(li, filters)
      if (li.hidden && Number(li.dataset.questionId) === openId) closeRow(li)
      if (!li.hidden) shown += 1
    }
    const counts = {}
    const targets = {}
    for (const li of rows) {
      for (const trait of li.dataset.traits.split(' ').filter(Boolean)) counts[trait] = (counts[trait] || 0) + 1
      for (const target of new Set(li.dataset.to.split(' ').filter(Boolean))) targets[target] = (targets[target] || 0) + 1
    }
    for (const count of filterForm.querySelectorAll('[data-count]')) count.textContent = String(counts[count.dataset.count] || 0)
    for (const option of forSelect.querySelectorAll('option[data-label]')) option.textContent = `${option.dataset.label} (${targets[option.value] || 0})`
    const active = filters.traits.length || filters.to || filters.words.length
    shownStatus.textContent = active ? `Showing ${shown} of ${rows.length} waiting questions.` : ''
    noneShown.hidden = !(rows.length && !shown)
    keepOneTabStop()
  }

  function filtersChanged () {
    applyFilters()
    // The address keeps the filters: a reload (or the page without JavaScript) shows the same.
    const params = new URLSearchParams()
    for (const [name, value] of new FormData(filterForm)) if (value) params.append(name, value)
    const query = params.toString()
    window.history.replaceState(null, '', query ? `?${query}` : window.location.pathname)
  }

  // ------------------------------------------------ keys (the help panel lists them)
  // One row is in the Tab order; the keys move between rows. They act only while the focus
  // is on a row or a button in it, never in a text box, select or link's own Enter.
  function visibleRows () {
    return [...queue.children].filter((li) => !li.hidden)
  }

  function keepOneTabStop (current) {
    const rows = visibleRows()
    const stop = current && !current.hidden ? current : rows.find((li) => li.tabIndex === 0) || rows[0]
    for (const li of queue.children) li.tabIndex = li === stop ? 0 : -1
  }

  function focusRow (li) {
    if (!li) return
    keepOneTabStop(li)
    li.focus()
  }

  function move (li, step) {
    const rows = visibleRows()
    const next = rows[rows.indexOf(li) + step]
    if (next) focusRow(next)
  }

  function needsOpen (li, key, what) {
    if (Number(li.dataset.questionId) === openId) return false
    if (openRow(li)) say(`${refOf(li)} opened. Press ${key} again to ${what}.`)
    return true
  }

  const shortcuts = document.getElementById('console-shortcuts')

  function onQueueKey (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return
    const target = event.target
    const li = target.closest('.app-queue-row')
    if (!li || !queue.contains(li)) return
    if (target.closest('input, textarea, select, [contenteditable="true"]')) {
      // Typing is left alone; Esc goes back to the question.
      if (event.key === 'Escape') {
        event.preventDefault()
        focusRow(li)
      }
      return
    }
    const onRow = target === li
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        move(li, 1)
        break
      case 'k':
      case 'ArrowUp':
        move(li, -1)
        break
      case 'Enter':
        if (!onRow) return
        if (Number(li.dataset.questionId) === openId) closeRow(li)
        else openRow(li)
        break
      case 'o':
        openRow(li)
        focusRow(li)
        break
      case 'Escape':
        closeRow(li)
        focusRow(li)
        break
      case 'm': {
        if (needsOpen(li, 'm', 'publish it with the details masked')) break
        const masked = li.querySelector('.app-approve-masked-form')
        if (masked) masked.requestSubmit()
        else say('No personal details were found in this question: press p to publish it.')
        break
      }
      case 'p':
        if (needsOpen(li, 'p', 'publish it')) break
        if (li.querySelector('.app-approve-masked-form')) say('This question has personal details: press m to publish it with them masked.')
        else li.querySelector('.app-approve-form').requestSubmit()
        break
      case 'd': {
        if (Number(li.dataset.questionId) !== openId && !openRow(li)) break
        const reason = li.querySelector('.app-reject-form input[name=reason]')
        reason.focus()
        reason.select()
        say('Reason for declining: edit it, then press Enter to decline.')
        break
      }
      case 'c': {
        if (needsOpen(li, 'c', 'pass it to the crisis worker')) break
        const pass = li.querySelector('.app-pass-form')
        if (pass) pass.requestSubmit()
        else say('This webchat has no crisis worker.')
        break
      }
      case 'r':
        if (Number(li.dataset.questionId) !== openId && !openRow(li)) break
        li.querySelector('.app-route-form select').focus()
        break
      case '/':
        searchBox.focus()
        break
      case '?':
        shortcuts.open = !shortcuts.open
        break
      default:
        return
    }
    event.preventDefault()
  }

  // ------------------------------------------------ the queue from the server
  function refreshQueueCount () {
    const count = queue.children.length
    queueCount.textContent = String(count)
    queueEmpty.hidden = count > 0
    applyFilters()
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

  // The whole queue (on every connect): rows already shown stay as they are (open, focused),
  // in the server's order; others come and go.
  function replaceQueue (questions) {
    const ids = new Set(questions.map((q) => q.question_id))
    for (const li of [...queue.children]) {
      if (!ids.has(Number(li.dataset.questionId))) removeRow(li)
    }
    let at = queue.firstElementChild
    for (const q of questions) {
      payloads.set(q.question_id, q)
      const li = rowOf(q.question_id) || queueItem(q)
      if (li === at) at = at.nextElementSibling
      else queue.insertBefore(li, at)
    }
    refreshQueueCount()
    // The row open before the connection came (or dropped) is taken again.
    if (openId !== null) take(openId)
  }

  function removeRow (li) {
    const questionId = Number(li.dataset.questionId)
    const hadFocus = li.contains(document.activeElement)
    const rows = visibleRows()
    const after = rows[rows.indexOf(li) + 1] || rows[rows.indexOf(li) - 1]
    if (openId === questionId) openId = null
    payloads.delete(questionId)
    markReleased(questionId)
    li.remove()
    // Acted on from the keyboard: the focus goes on to the next question.
    if (hadFocus) focusRow(after)
  }

  function moderatorFrame (frame) {
    if (frame.type === 'queue') {
      replaceQueue(frame.questions)
    } else if (frame.type === 'queue_add') {
      if (!rowOf(frame.question.question_id)) {
        payloads.set(frame.question.question_id, frame.question)
        placeInQueue(queueItem(frame.question), frame.question)
        refreshQueueCount()
        say(frame.question.is_urgent ? 'New urgent question waiting.' : 'New question waiting.')
      }
    } else if (frame.type === 'queue_urgent') {
      // Flagged since it was queued (the second reading): tagged and moved up in place, so
      // the row keeps whatever the moderator had open or typed in it.
      const known = payloads.get(frame.question.question_id)
      const li = rowOf(frame.question.question_id)
      if (known && li && !known.is_urgent) {
        known.is_urgent = true
        li.classList.add('app-queue-item--urgent')
        li.dataset.traits = traitsOf(known).join(' ')
        li.querySelector('.app-staff-ref').after(' ', tag('Urgent', 'red'))
        const focused = li.contains(document.activeElement) ? document.activeElement : null
        placeInQueue(li, known)
        if (focused) focused.focus()
        applyFilters()
        refreshQueueCount()
        say(`${known.ref} may be from someone in crisis: marked urgent and moved up.`)
      }
    } else if (frame.type === 'queue_remove') {
      const li = rowOf(frame.question_id)
      if (li && frame.state === 'unhandled') addUnhandled(li)
      if (li) removeRow(li)
      refreshQueueCount()
      // Published: the number the public sees; otherwise the staff reference it had.
      say(frame.number ? `${frame.ref} published as question ${frame.number}.` : `${frame.ref} ${REMOVED_AS[frame.state] || frame.state}.`)
    } else if (frame.type === 'queue_taken') {
      markTaken(frame)
    } else if (frame.type === 'queue_released') {
      markReleased(frame.question_id)
    } else if (frame.type === 'question_routed') {
      for (const form of document.querySelectorAll(`form.app-route-form[action$="/questions/${frame.question_id}/route/"]`)) {
        form.querySelector('select').value = routeChoice(frame.routed_to)
      }
      const q = payloads.get(frame.question_id)
      const li = rowOf(frame.question_id)
      if (q && li) {
        q.routed_to = frame.routed_to
        li.dataset.to = targetsOf(q).join(' ')
        li.dataset.traits = traitsOf(q).join(' ')
        applyFilters()
      }
      const note = document.querySelector(`#queue-${frame.question_id} .app-routed`)
      if (note) note.textContent = frame.routed_to ? `Routed to ${toText(frame.routed_to)}` : ''
      const name = frame.number ? `Question ${frame.number}` : frame.ref
      say(frame.routed_to ? `${name} routed to ${toText(frame.routed_to)}.` : `${name}: routing cleared.`)
    } else if (frame.type === 'participant_muted') {
      for (const li of queue.querySelectorAll(`[data-participant-id="${frame.participant_id}"] .app-mute-form`)) {
        li.replaceWith(tag('Muted', 'grey'))
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
    // Without a socket yet, a row the page opened (?open=) is already open: its forms post.
    for (const li of queue.querySelectorAll('.app-queue-row--open')) {
      openId = Number(li.dataset.questionId)
      wireQueueItem(li)
    }
    queue.addEventListener('click', (event) => {
      const toggle = event.target.closest('.app-queue-row__toggle')
      if (!toggle) return
      const li = toggle.closest('.app-queue-row')
      if (Number(li.dataset.questionId) === openId) {
        closeRow(li)
      } else if (!openRow(li)) {
        return
      }
      event.preventDefault()
      focusRow(li)
    })
    queue.addEventListener('keydown', onQueueKey)
    queue.addEventListener('focusin', (event) => {
      if (event.target.classList.contains('app-queue-row')) keepOneTabStop(event.target)
    })
    if (filterForm) {
      filterForm.addEventListener('submit', (event) => {
        event.preventDefault()
        filtersChanged()
      })
      let typing = null
      searchBox.addEventListener('input', () => {
        clearTimeout(typing)
        typing = setTimeout(filtersChanged, 150)
      })
      filterForm.addEventListener('change', filtersChanged)
    }
    keepOneTabStop(queue.querySelector('.app-queue-row--open'))
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
      const easyReadBody = String(data.get('easy_read_body') || '').trim()
      answer.reset()
      return { type: 'answer', question_id: questionId, body, easy_read_body: easyReadBody || null }
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
    // As easyread/templates/easyread/includes/panel_answer_fields.html.
    const easyRead = element('textarea', 'govuk-textarea')
    easyRead.name = 'easy_read_body'
    easyRead.rows = 3
    easyRead.maxLength = 5000
    const hint = element('div', 'app-readability')
    hint.setAttribute('aria-live', 'polite')
    hint.dataset.readabilityUrl = `${base}/readability/`
    answer.querySelector('button').before(field(`answer-easy-read-${item.question_id}`, 'Easy Read version (optional)', easyRead), hint)
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
