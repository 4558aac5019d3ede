// The readability hint beside a panellist's answer box, as they type: the answer form's
// words go to the console's readability URL (chat.views.panel_readability, computed by
// easyread/readability.py) and the hint comes back. Without this script the form's
// "Check readability" button shows the same hint on a page of its own.
const WAIT_MS = 600
const timers = new WeakMap()

function hintBlock (title, hint) {
  const block = document.createElement('div')
  block.className = 'app-readability__hint'
  const head = document.createElement('p')
  head.className = 'govuk-body-s govuk-!-margin-bottom-1'
  const strong = document.createElement('strong')
  strong.textContent = `${title}:`
  head.append(strong, ` reading grade ${hint.grade} (aim for ${hint.target_grade} or lower)${hint.reads_easily ? '. Reads easily.' : ''}`)
  const list = document.createElement('ul')
  list.className = 'govuk-list govuk-list--bullet govuk-body-s'
  const line = (text) => { const li = document.createElement('li'); li.textContent = text; list.append(li) }
  const quoted = (items) => items.map((item) => `“${item}”`).join(', ')
  if (hint.long_sentences.length) line(`Sentences over ${hint.longest_sentence} words: ${quoted(hint.long_sentences)}`)
  if (hint.passive.length) line(`Maybe passive (say who does it): ${quoted(hint.passive)}`)
  if (hint.acronyms.length) line(`Acronyms (write them out): ${hint.acronyms.join(', ')}`)
  block.append(head, list)
  return block
}

async function refresh (form) {
  const box = form.querySelector('.app-readability')
  if (!box) return
  const data = new FormData(form)
  try {
    const response = await fetch(box.dataset.readabilityUrl, {
      method: 'POST',
      body: data,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    })
    if (!response.ok) return
    const hints = await response.json()
    const blocks = []
    if (hints.answer) blocks.push(hintBlock('Your answer', hints.answer))
    if (hints.easy_read) blocks.push(hintBlock('Easy Read version', hints.easy_read))
    box.replaceChildren(...blocks)
  } catch {
    // A hint is a help, not a step: if it cannot be had, the answer is sent as ever.
  }
}

document.addEventListener('input', (event) => {
  const form = event.target.closest('.app-answer-form')
  if (!form || !form.querySelector('.app-readability')) return
  window.clearTimeout(timers.get(form))
  timers.set(form, window.setTimeout(() => refresh(form), WAIT_MS))
})

// With the hint live, the no-JavaScript button is not needed (and would leave the page).
for (const button of document.querySelectorAll('[data-readability-check]')) button.hidden = true
