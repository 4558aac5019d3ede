// Initialise GOV.UK Frontend components. This is an external ES module because
// our CSP allows no inline scripts. The upstream page template adds the
// `govuk-frontend-supported` body class with an inline script; we add it here
// instead. Module scripts only run in browsers that support ES modules, which
// is the same test the inline script uses. initAll() does nothing unless the
// class is present, and the CSS uses it for JS-only styles.
import { initAll } from '../vendor/govuk-frontend/govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()
