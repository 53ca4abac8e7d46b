// Alert Orchestrator dashboard: keeps "3 min ago" and the countdown current between refreshes,
// and logs out of HTTP Basic auth. Served from the binary (the CSP forbids inline scripts).
;(() => {
  const relative = (ms, now) => {
    const delta = ms - now
    const minutes = Math.round(Math.abs(delta) / 60000)
    if (minutes < 1) return delta > 0 ? 'in less than a minute' : 'just now'
    const text = minutes < 60 ? `${minutes} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} d`
    return delta > 0 ? `in ${text}` : `${text} ago`
  }
  const countdown = (ms, now) => {
    const seconds = Math.max(0, Math.round((ms - now) / 1000))
    if (seconds === 0) return 'due now'
    const m = Math.floor(seconds / 60)
    const s = String(seconds % 60).padStart(2, '0')
    return m >= 60 ? `in ${Math.floor(m / 60)} h ${m % 60} min` : `in ${m}:${s}`
  }
  const tick = () => {
    const now = Date.now()
    for (const node of document.querySelectorAll('time[data-relative]')) node.textContent = relative(Date.parse(node.getAttribute('datetime')), now)
    for (const node of document.querySelectorAll('time[data-countdown]')) node.textContent = countdown(Date.parse(node.getAttribute('datetime')), now)
  }
  setInterval(tick, 1000)
  document.addEventListener('DOMContentLoaded', tick)
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('#logout') : null
    if (!link) return
    event.preventDefault()
    // Wrong credentials replace the cached right ones; the 401 carries no challenge, so no prompt.
    const request = new XMLHttpRequest()
    request.open('GET', link.getAttribute('href'), true, 'logged-out', 'logged-out')
    request.onloadend = () => window.location.assign(link.getAttribute('href'))
    request.send()
  })
})()
