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

// A page restored from the browser's back-forward cache shows what it showed when it was left,
// not what was saved since: fetch it anew (the server sends no-store for every logged-in page).
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    window.location.reload();
  }
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

// Once a field has changed, the step's input is kept as a draft (its own route, answering 204) and then
// validated: the server answers with the field (and its message), the progress bar and the live pathway
// as out-of-band swaps, and writes nothing. Draft then validation, one change after the other, and a save,
// a step change or a discard waits for them: otherwise a draft saved late would come back after the step
// was saved.
let validations = Promise.resolve();
let validationsPending = 0;
const VALIDATION_WAIT_MS = 5000;

function formValues(form) {
  const values = {};
  new FormData(form).forEach((value, key) => {
    if (key in values) {
      values[key] = [].concat(values[key], value);
    } else {
      values[key] = value;
    }
  });
  return values;
}

function validateField(field) {
  const form = field.form;
  // The form's values are sent from the body, not from the (boosted) form: a boosted source would
  // push the validation URL into the address bar.
  const draft = formValues(form);
  const values = { ...draft, _changed: field.name };
  const send = (url, sent) => htmx.ajax("POST", url, { source: document.body, values: sent, swap: "none" });
  validationsPending += 1;
  validations = validations
    .then(() => (form.dataset.draftUrl ? send(form.dataset.draftUrl, draft) : undefined))
    .catch(() => undefined)
    .then(() => send(form.dataset.validateUrl, values))
    .catch(() => undefined)
    .finally(() => {
      validationsPending -= 1;
    });
}

document.addEventListener("htmx:confirm", (event) => {
  if (validationsPending === 0 || event.detail.elt === document.body) {
    return;
  }
  event.preventDefault();
  const timeout = new Promise((resolve) => setTimeout(resolve, VALIDATION_WAIT_MS));
  // false: an hx-confirm question, if the element has one, is still asked.
  Promise.race([validations, timeout]).then(() => event.detail.issueRequest(false));
});

// A date input reports a change as soon as its segments make a valid date, which happens at the
// first digit of the year: such a field is validated when the person leaves it, not while typing.
const fieldsToValidateOnLeaving = new WeakSet();

function validateOnChange(event) {
  const field = event.target;
  const form = field.form;
  if (!form || !form.dataset.validateUrl || !field.name || field.name === "add-row") {
    return;
  }
  applyConditionalFields(form);
  if (field.type === "date" && field === document.activeElement) {
    fieldsToValidateOnLeaving.add(field);
  } else {
    validateField(field);
  }
}

document.addEventListener("change", (event) => {
  if (event.target.closest("form[data-validate-url]")) {
    validateOnChange(event);
  } else if (event.target.form) {
    applyConditionalFields(event.target.form);
  }
});

document.addEventListener("focusout", (event) => {
  if (fieldsToValidateOnLeaving.has(event.target)) {
    fieldsToValidateOnLeaving.delete(event.target);
    validateField(event.target);
  }
});

// Live validation never replaces the inputs of a field: a redrawn input loses its focus and the
// digits still being typed (a date would be stored with the year's first digit only). Only the
// field's messages and its controls' validity marks are taken from the server's answer.
function showFieldMessages(wrapper, answer) {
  wrapper.querySelectorAll(".invalid-feedback").forEach((message) => message.remove());
  wrapper.querySelectorAll("input, select, textarea").forEach((control) => {
    const twin = control.id ? answer.querySelector("#" + CSS.escape(control.id)) : null;
    if (!twin) {
      return;
    }
    control.classList.toggle("is-invalid", twin.classList.contains("is-invalid"));
    ["aria-invalid", "aria-describedby"].forEach((attribute) => {
      if (twin.hasAttribute(attribute)) {
        control.setAttribute(attribute, twin.getAttribute(attribute));
      } else {
        control.removeAttribute(attribute);
      }
    });
  });
  // Shown whatever its position: before the help text, as the full page places it.
  const help = wrapper.querySelector(".form-text");
  answer.querySelectorAll(".invalid-feedback").forEach((message) => {
    message.classList.add("d-block");
    if (help) {
      help.before(message);
    } else {
      wrapper.append(message);
    }
  });
}

document.addEventListener("htmx:oobBeforeSwap", (event) => {
  const target = event.detail.target;
  if (target.id && target.id.startsWith("field-") && target.closest("form[data-validate-url]")) {
    event.detail.shouldSwap = false;
    showFieldMessages(target, event.detail.fragment);
  }
});

if (window.htmx) {
  htmx.onLoad((content) => applyConditionalFields(content));
} else {
  document.addEventListener("DOMContentLoaded", () => applyConditionalFields(document));
}
