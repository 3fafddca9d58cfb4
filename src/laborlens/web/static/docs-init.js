// Swagger UI over this server's schema (a separate file: the CSP bars inline scripts). The packaged Swagger
// UI (4.15) renders OpenAPI 3.0; FastAPI writes 3.1, whose differences here (nullable as anyOf null) it
// shows well enough, so the page labels the spec 3.0.3 for display only. /openapi.json is unchanged.
window.addEventListener('load', async () => {
  const spec = await (await fetch('/openapi.json')).json();
  if (String(spec.openapi || '').startsWith('3.1')) spec.openapi = '3.0.3';
  window.ui = SwaggerUIBundle({ spec, dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: false });
});
