"""roughcut bridge: a local HTTP server (FastAPI + uvicorn) that runs rough-cut jobs for NLE hosts.

Public API: :func:`bridge_server.app.create_app`, :func:`bridge_server.config.load_config`,
:func:`bridge_server.server.serve`, :func:`bridge_server.server.ensure_running`.
Importing this package imports nothing heavy; the app is built on demand.
"""
