// Present mode: arrow keys (and a presenter's Page Up/Down clicker) move between cases, and a
// timer counts up from when the case opened. A static file, so a strict Content-Security-Policy
// (script-src 'self') allows it; the page works without it, through its Previous/Next links.
"use strict";

(() => {
  const deck = document.querySelector("[data-present]");
  if (!deck) {
    return;
  }

  const KEYS = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev" };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    // Typing in a field (or moving its cursor) must not change the case.
    if (event.target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    const rel = KEYS[event.key];
    const link = rel && deck.querySelector(`a[data-present-nav][rel="${rel}"]`);
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });

  const timer = deck.querySelector("[data-case-timer]");
  const elapsed = timer && timer.querySelector("[data-timer-elapsed]");
  if (!elapsed) {
    return;
  }
  const expectedSeconds = Number(timer.dataset.expectedMinutes) * 60;
  const openedAt = performance.now();

  function show() {
    const seconds = Math.floor((performance.now() - openedAt) / 1000);
    const minutes = Math.floor(seconds / 60);
    elapsed.textContent = `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
    elapsed.setAttribute("aria-label", `${minutes} min ${seconds % 60} s on this case`);
    timer.classList.toggle("is-over", expectedSeconds > 0 && seconds > expectedSeconds);
  }

  elapsed.hidden = false;
  show();
  window.setInterval(show, 1000);
})();
