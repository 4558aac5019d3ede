// Inside another site's frame, leaving must take the whole tab away, not just the frame:
// the quick exit replaces the top window's page (a click is the user gesture browsers
// require for a frame to navigate its parent). Without JavaScript the link still works
// (target="_top" on the button).
const button = document.querySelector('.govuk-js-exit-this-page-button')

function exitWholeTab (event) {
  if (event) {
    event.preventDefault()
    event.stopImmediatePropagation()
  }
  try {
    window.top.location.replace(button.href)
  } catch {
    window.location.replace(button.href)
  }
}

if (button && window.top !== window.self) {
  button.addEventListener('click', exitWholeTab, true)
  // Shift pressed three times within a second, as the GOV.UK component does.
  let presses = []
  document.addEventListener('keyup', (event) => {
    if (event.key !== 'Shift') return
    const now = Date.now()
    presses = presses.filter((time) => now - time < 1000).concat(now)
    if (presses.length >= 3) exitWholeTab()
  }, true)
}
