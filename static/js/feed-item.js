// One published item on the public live page, built with textContent only (what people
// typed isolated, as userText says): the same markup
// as templates/chat/includes/feed_item.html, numbered as on the transcript, and placed as
// the server places it (chat/selectors.py:feed_for_display): each answer beneath its question.
import { element, userText } from './live-socket.js'
import { easyReadMessage } from '../easyread/easy-read.js'
import { gettext, interpolate, ngettext } from './i18n.js'

function addressedTo (to) {
  if (!to) return ''
  return to.panellist
    ? interpolate(gettext(', for %(panellist)s (%(agency)s)'), { panellist: to.panellist, agency: to.agency })
    : interpolate(gettext(', for %(agency)s'), { agency: to.agency })
}

function answerMeta (item) {
  const p = item.panellist
  // The server's byline (chat/payloads.py:panellist_byline) names the agency once.
  const who = p.byline || `${p.name}, ${p.role}, ${p.agency}`
  const meta = element('p', 'app-feed__meta')
  // A text webchat has no "verbally": the panellist's note says another reply covers it.
  if (item.mode === 'elsewhere') meta.append(element('strong', '', gettext('Answered in another reply')), interpolate(gettext(': a note from %(who)s'), { who }))
  else meta.append(element('strong', '', gettext('Answer')), ' ', interpolate(gettext('from %(who)s'), { who }))
  return meta
}

// As templates/chat/includes/asked_by.html: how many asked it, when more than one did.
export function askedBy (count) {
  return count > 1 ? interpolate(ngettext('. Asked by %(count)s person', '. Asked by %(count)s people', count), { count }) : ''
}

// As easyread/templates/easyread/includes/easy_read_answer.html: shown in the Easy Read
// view only (static/css/app.css), with the words the page gives it (none in the standard view).
function easyReadAnswer (item) {
  const box = element('div', 'app-easy-read-answer')
  const title = element('p', 'app-feed__meta')
  title.append(element('strong', '', easyReadMessage('answer_title') || gettext('Easy Read answer')))
  const body = element('p', 'app-feed__body app-easy-read-answer__body')
  body.append(userText(item.easy_read_body))
  box.append(title, body, element('p', 'app-feed__meta', easyReadMessage('answer_full') || gettext('The full answer:')))
  return box
}

const PERMALINK_TEXT = {
  question: gettext('Link to this question'),
  answer: gettext('Link to this answer'),
  announcement: gettext('Link to this announcement')
}

export function renderFeedItem (item, questionBodies) {
  const li = element('li', `app-feed__item app-feed__item--${item.kind}`)
  li.id = `item-${item.seq}`
  li.dataset.seq = item.seq
  if (item.kind === 'question') {
    li.dataset.questionId = item.question_id
    const meta = element('p', 'app-feed__meta')
    meta.append(element('strong', '', interpolate(gettext('Question %(number)s'), { number: item.number })), ' ', gettext('from a member of the public'), addressedTo(item.to))
    meta.append(element('span', 'app-asked-by', askedBy(item.asked_by)))
    li.append(meta)
  } else if (item.kind === 'answer') {
    li.dataset.answers = item.question_id
    li.append(answerMeta(item))
    if (item.question_seq) {
      const context = element('p', 'app-feed__context', gettext('In reply to') + ' ')
      const link = element('a', 'govuk-link', interpolate(gettext('question %(number)s'), { number: item.question_number }))
      link.href = `#item-${item.question_seq}`
      context.append(link)
      const body = questionBodies.get(item.question_id)
      if (body) context.append(': “', userText(body.length > 140 ? body.slice(0, 139) + '…' : body), '”')
      li.append(context)
    }
  } else {
    const meta = element('p', 'app-feed__meta')
    meta.append(element('strong', '', gettext('Announcement')), ' ', gettext('from the moderators'))
    li.append(meta)
  }
  if (item.easy_read_body) li.append(easyReadAnswer(item))
  const body = element('p', 'app-feed__body')
  // The language it was written in (chat/payloads.py, question_public): a screen reader's voice.
  if (item.language) body.lang = item.language
  body.append(userText(item.body))
  li.append(body)
  if (item.kind === 'question') {
    // As templates/chat/includes/feed_item.html (static/js/live.js sends it live).
    const meToo = element('p', 'govuk-body-s app-me-too')
    const link = element('a', 'govuk-link app-me-too__link', gettext('I want to know this too'))
    link.href = `../live/questions/${Number(item.question_id)}/me-too/`
    link.dataset.questionId = item.question_id
    link.append(element('span', 'govuk-visually-hidden', ' ' + interpolate(gettext('(question %(number)s)'), { number: item.number })))
    meToo.append(link)
    li.append(meToo)
  }
  const permalink = element('a', 'govuk-link app-feed__permalink', PERMALINK_TEXT[item.kind] || PERMALINK_TEXT.announcement)
  permalink.href = `#item-${item.seq}`
  const about = item.kind === 'question'
    ? ' ' + interpolate(gettext('(question %(number)s)'), { number: item.number })
    : item.kind === 'answer' && item.question_number ? ' ' + interpolate(gettext('(answer to question %(number)s)'), { number: item.question_number }) : ''
  permalink.append(element('span', 'govuk-visually-hidden', about))
  li.append(permalink)
  return li
}

// An answer goes after its question and that question's earlier answers; anything else,
// or an answer whose question is not on the page, at the end.
export function placeFeedItem (feed, li, item) {
  const question = item.kind === 'answer'
    ? feed.querySelector(`:scope > li[data-question-id="${Number(item.question_id)}"]`)
    : null
  if (!question) {
    feed.append(li)
    return
  }
  let last = question
  while (last.nextElementSibling && last.nextElementSibling.dataset.answers === String(item.question_id)) {
    last = last.nextElementSibling
  }
  last.after(li)
}
