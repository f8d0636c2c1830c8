// Project JavaScript. It lives in a static file, never inline, so that a strict
// Content-Security-Policy can forbid inline scripts.
"use strict";

// htmx silently ignores failed responses; tell the user instead of doing nothing.
document.addEventListener("htmx:responseError", (event) => {
  const region = document.getElementById("messages");
  if (!region) {
    return;
  }
  const alert = document.createElement("div");
  alert.className = "alert alert-danger";
  alert.setAttribute("role", "alert");
  alert.textContent =
    "The request failed (HTTP " + event.detail.xhr.status + "). Reload the page and try again.";
  region.append(alert);
});
