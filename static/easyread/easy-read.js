// The live page's messages in Easy Read (easyread/content.py), from the JSON the Easy Read
// view puts on the page; nothing in the standard view, where live.js keeps its own words.
let messages = null

export function easyReadMessage (key) {
  if (messages === null) {
    const source = document.getElementById('easy-read-messages')
    messages = source ? JSON.parse(source.textContent) : {}
  }
  return messages[key]
}
