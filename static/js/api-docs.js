// The API docs page (/api/docs): Swagger UI on the app's OpenAPI schema. A static file, not an inline
// script, so the page keeps the strict Content-Security-Policy. The schema URL and the CSRF token (for
// "Try it out" with the browser's session) come from data attributes of the container.
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui");
  var schemaUrl = container.dataset.schemaUrl;
  var csrfToken = container.dataset.csrfToken;
  window.SwaggerUIBundle({
    url: schemaUrl,
    domNode: container,
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    requestInterceptor: function (request) {
      if (csrfToken) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
