// Starts Swagger UI on /api/v1/docs (http/api_docs.py). A file, not an inline script:
// the page's CSP runs scripts from this server only. No validator badge: it would send
// the document to a third party.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
