// "Forget my questions on this device" without leaving the page (the draft in the question
// box stays). Without JavaScript the form posts and the page reloads without them.
import { gettext } from './i18n.js'

const form = document.getElementById('forget-questions-form')
if (form) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const button = document.getElementById('forget-questions-button')
    button.disabled = true
    let response
    try {
      response = await fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
    } catch {
      response = null
    }
    if (!response || !response.ok) {
      form.submit() // let the ordinary post try, and show its outcome
      return
    }
    // The session that linked this browser to the questions has ended: clear the list and
    // reconnect the live feed as a new visitor, so nothing of theirs arrives here again.
    document.getElementById('own-questions').replaceChildren()
    form.hidden = true
    const done = document.getElementById('forget-questions-done')
    done.textContent = gettext('Your questions are no longer shown on this device. A moderator will still read any that were waiting.')
    done.hidden = false
    // A private conversation on this device ended with it: the lane's pane clears itself.
    document.dispatchEvent(new CustomEvent('outreach:device-forgotten'))
    window.outreachLive?.drop()
  })
}
