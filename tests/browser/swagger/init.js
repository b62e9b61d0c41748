// The CreateBackup operation opened, as a user would find it to fill in.
window.ui = SwaggerUIBundle({
  url: '/create-backup.openapi.json',
  dom_id: '#swagger-ui',
  docExpansion: 'full',
  tryItOutEnabled: true,
});
