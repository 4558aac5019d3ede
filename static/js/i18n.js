// The words of the page's scripts, in the reader's language: Django's JavaScript catalogue
// (the page loads it before any module, from /jsi18n/?lang=…) defines gettext and
// friends. Without it (it failed to load) the English text is shown. A frame's message is
// the server's English text: gettext() finds it in the same catalogue (outreach/js_catalogue.py).
const catalogue = window.django || {}

export const gettext = catalogue.gettext || ((text) => text)
export const ngettext = catalogue.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural))
// A marker for makemessages: the text is translated later, where it is shown.
export const gettext_noop = (text) => text // eslint-disable-line camelcase

// interpolate('Question %(number)s', { number: 3 }): named placeholders, as in Python.
export function interpolate (format, values) {
  return format.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match))
}

// A server's text (a frame's message: its English source) in the reader's language.
export function systemText (text) {
  return text ? gettext(text) : ''
}
