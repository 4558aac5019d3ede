// Similar questions in the moderator console: which waiting questions ask the same, and
// the buttons to publish one with the others attached, attach one to a published question,
// or detach one that does not belong (docs/protocol.md, "Similar questions"). The same
// markup as templates/similar/queue_note.html; the forms work without JavaScript, and go
// over the console's socket when it is open.
import { element } from './live-socket.js'

const root = document.getElementById('console')
if (root && root.dataset.console === 'moderator') start(root)

function start (root) {
  const slug = root.dataset.eventSlug
  const queue = document.getElementById('queue')
  const csrf = document.querySelector('input[name=csrfmiddlewaretoken]')?.value || ''
  // lead id -> { lead, members: Map(member id -> ref) }; member id -> lead id.
  const groups = new Map()
  const leadOf = new Map()

  function send (frame) {
    const socket = window.outreachLive
    return Boolean(socket && socket.isOpen && socket.send(frame))
  }

  function form (action, className, label, hiddenLabel, buttonClasses, frame) {
    const node = element('form', className)
    node.method = 'post'
    node.action = action
    const token = element('input')
    token.type = 'hidden'
    token.name = 'csrfmiddlewaretoken'
    token.value = csrf
    const button = element('button', `govuk-button ${buttonClasses}`, label)
    button.type = 'submit'
    button.append(element('span', 'govuk-visually-hidden', hiddenLabel))
    node.append(token, button)
    node.addEventListener('submit', (event) => {
      if (send(frame)) event.preventDefault()
    })
    return node
  }

  function tag () {
    return element('strong', 'govuk-tag govuk-tag--blue', 'Similar')
  }

  function refLink (id, ref) {
    const link = element('a', 'govuk-link', ref)
    link.href = `#queue-${id}`
    return link
  }

  function noteFor (questionId) {
    const base = `/events/${slug}/moderate/questions/${questionId}`
    const group = groups.get(questionId)
    const inset = element('div', 'govuk-inset-text govuk-!-margin-top-1 govuk-!-margin-bottom-2')
    const line = element('p', 'govuk-body-s govuk-!-margin-bottom-1')
    const ref = `W-${questionId}`
    if (group && group.members.size) {
      const count = group.members.size
      line.append(tag(), ` ${count} waiting ${count === 1 ? 'question asks' : 'questions ask'} the same: `)
      ;[...group.members].forEach(([id, memberRef], index) => {
        if (index) line.append(', ')
        line.append(refLink(id, memberRef))
      })
      line.append('.')
      inset.append(line, form(`${base}/publish-similar/`, 'app-similar-publish-form', `Publish with ${count} similar attached`, ` (${ref})`, 'govuk-!-margin-bottom-0', { type: 'similar_publish', question_id: questionId }))
      return inset
    }
    const leadId = leadOf.get(questionId)
    if (leadId === undefined) return null
    const lead = groups.get(leadId).lead
    line.append(tag(), ' Asks the same as ')
    if (lead.number) line.append(`question ${lead.number}, already published.`)
    else line.append(refLink(lead.question_id, lead.ref), ': publish that one with this attached.')
    inset.append(line)
    if (lead.number) {
      const attach = form(`${base}/attach/`, 'app-similar-attach-form', `Attach to question ${lead.number}`, ` (${ref})`, 'govuk-!-margin-bottom-1', { type: 'similar_attach', question_id: questionId, to_question_id: lead.question_id })
      const target = element('input')
      target.type = 'hidden'
      target.name = 'to_question_id'
      target.value = lead.question_id
      attach.prepend(target)
      inset.append(attach)
    }
    inset.append(form(`${base}/detach/`, 'app-similar-detach-form', 'Not the same question', ` (${ref})`, 'govuk-button--secondary govuk-!-margin-bottom-0', { type: 'similar_detach', question_id: questionId }))
    return inset
  }

  function render (questionId) {
    const li = document.getElementById(`queue-${questionId}`)
    if (!li) return
    let box = li.querySelector('.app-similar')
    if (!box) {
      box = element('div', 'app-similar')
      box.dataset.questionId = questionId
      li.querySelector('.app-feed__body')?.after(box)
    }
    const note = noteFor(questionId)
    box.replaceChildren(...(note ? [note] : []))
    // Grouped in the queue: a waiting question sits just after the one it asks the same as.
    const leadId = leadOf.get(questionId)
    const leadItem = leadId === undefined ? null : document.getElementById(`queue-${leadId}`)
    if (leadItem && leadItem.parentElement === queue && li.parentElement === queue) {
      let after = leadItem
      while (after.nextElementSibling && leadOf.get(Number(after.nextElementSibling.dataset.questionId)) === leadId) {
        if (after.nextElementSibling === li) return
        after = after.nextElementSibling
      }
      if (after !== li) after.after(li)
    }
  }

  function renderGroup (leadId) {
    render(leadId)
    const group = groups.get(leadId)
    if (group) group.members.forEach((_, id) => render(id))
  }

  function add (lead, memberId, ref) {
    let group = groups.get(lead.question_id)
    if (!group) {
      group = { lead, members: new Map() }
      groups.set(lead.question_id, group)
    }
    group.lead = lead
    group.members.set(memberId, ref)
    leadOf.set(memberId, lead.question_id)
  }

  function remove (memberId) {
    const leadId = leadOf.get(memberId)
    leadOf.delete(memberId)
    const group = groups.get(leadId)
    if (group) group.members.delete(memberId)
    return leadId
  }

  document.addEventListener('outreach:frame', ({ detail: frame }) => {
    if (frame.type === 'similar_groups') {
      groups.clear()
      leadOf.clear()
      for (const { lead, members } of frame.groups) {
        for (const member of members) add(lead, member.question_id, member.ref)
      }
      for (const li of queue.querySelectorAll('.app-queue-item')) render(Number(li.dataset.questionId))
    } else if (frame.type === 'similar_found') {
      add(frame.lead, frame.question_id, frame.ref)
      renderGroup(frame.lead.question_id)
    } else if (frame.type === 'similar_detached') {
      const leadId = remove(frame.question_id)
      render(frame.question_id)
      if (leadId !== undefined) renderGroup(leadId)
    } else if (frame.type === 'queue_add') {
      render(frame.question.question_id)
    } else if (frame.type === 'queue_remove') {
      const group = groups.get(frame.question_id)
      if (group && frame.number) {
        // The lead was published: its waiting group may now be attached to it.
        group.lead = { ...group.lead, number: frame.number, state: frame.state }
        renderGroup(frame.question_id)
      }
      if (leadOf.has(frame.question_id)) {
        const leadId = remove(frame.question_id)
        renderGroup(leadId)
      }
    }
  })
}
