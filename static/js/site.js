// Initialise GOV.UK Frontend components. This is an external ES module because
// our CSP allows no inline scripts. The upstream page template adds the
// `govuk-frontend-supported` body class with an inline script; we add it here
// instead. Module scripts only run in browsers that support ES modules, which
// is the same test the inline script uses. initAll() does nothing unless the
// class is present, and the CSS uses it for JS-only styles.
import { ExitThisPage, initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

// "Exit this page" (button or Shift three times) must not leave this page in the back
// history of a shared phone: replace it instead of navigating forward, as the component does.
ExitThisPage.prototype.exitPage = function exitPage () {
  document.body.classList.add('govuk-exit-this-page-hide-content')
  window.location.replace(this.$button.href)
}

document.body.classList.add('govuk-frontend-supported')
initAll()
