// Easy Read sentence starters (easyread/templates/easyread/includes/sentence_starters.html):
// each button puts its words into the question box, where the person goes on typing.
// Without this script the starters are a plain list to copy from.
const starters = document.getElementById('sentence-starters')
const box = document.getElementById('id_body')
if (starters && box) {
  starters.querySelector('.app-sentence-starters__words').hidden = true
  const buttons = starters.querySelector('.app-sentence-starters__buttons')
  buttons.hidden = false
  buttons.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-starter]')
    if (!button) return
    // The ellipsis says "go on"; the box gets the words and a space to go on from.
    const words = button.dataset.starter.replace(/…$/, '').trimEnd() + ' '
    // Whatever is already written stays: the starter goes in front of it only if empty.
    box.value = box.value.trim() ? `${box.value.trimEnd()} ${words}` : words
    box.dispatchEvent(new Event('input')) // the character count
    box.focus()
    box.setSelectionRange(box.value.length, box.value.length)
  })
}
