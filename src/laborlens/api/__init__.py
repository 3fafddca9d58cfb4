"""HTTP API and web app: ``create_app(settings)`` builds both (routers stay thin over library functions)."""

from laborlens.api.app import create_app

__all__ = ["create_app"]
