"""Server-rendered pages (Jinja2) over the same library calls as the API; static CSS/JS served locally."""
