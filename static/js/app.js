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

// Workup forms: fields shown only when another answer makes them relevant
// (data-show-when="controller=value1|value2" on the input, set by cases/forms.py).
// Without JavaScript every field stays visible and the server validates the combination.
function controllerValues(scope, name) {
  const inputs = scope.querySelectorAll(`[name="${CSS.escape(name)}"]`);
  const values = [];
  inputs.forEach((input) => {
    if ((input.type === "checkbox" || input.type === "radio") && !input.checked) {
      return;
    }
    values.push(input.value);
  });
  return values;
}

function clearInput(input) {
  if (input.type === "checkbox" || input.type === "radio") {
    input.checked = false;
  } else if (input.tagName === "SELECT") {
    input.selectedIndex = 0;
  } else {
    input.value = "";
  }
}

function applyConditionalFields(root) {
  root.querySelectorAll("[data-show-when]").forEach((input) => {
    const [controller, wanted] = input.dataset.showWhen.split("=");
    const prefix = input.name.slice(0, input.name.length - input.dataset.fieldName.length);
    const scope = input.closest("[data-form-row]") || input.form || document;
    const shown = controllerValues(scope, prefix + controller).some((value) => wanted.split("|").includes(value));
    const wrapper = input.closest('[id^="field-"]') || input;
    if (!shown && !wrapper.hidden) {
      clearInput(input);
    }
    wrapper.hidden = !shown;
  });
}

// Validate as soon as a field changes: the server keeps the draft and answers with the field
// (and its message), the progress bar and the live pathway as out-of-band swaps.
function validateOnChange(event) {
  const form = event.target.form;
  if (!form || !form.dataset.validateUrl || !event.target.name || event.target.name === "add-row") {
    return;
  }
  applyConditionalFields(form);
  // The form's values are sent from the body, not from the (boosted) form: a boosted source would
  // push the validation URL into the address bar.
  const values = { _changed: event.target.name };
  new FormData(form).forEach((value, key) => {
    if (key in values) {
      values[key] = [].concat(values[key], value);
    } else {
      values[key] = value;
    }
  });
  htmx.ajax("POST", form.dataset.validateUrl, { source: document.body, values: values, swap: "none" });
}

document.addEventListener("change", (event) => {
  if (event.target.closest("form[data-validate-url]")) {
    validateOnChange(event);
  } else if (event.target.form) {
    applyConditionalFields(event.target.form);
  }
});

if (window.htmx) {
  htmx.onLoad((content) => applyConditionalFields(content));
} else {
  document.addEventListener("DOMContentLoaded", () => applyConditionalFields(document));
}
