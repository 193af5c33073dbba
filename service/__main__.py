"""`python -m service`: serve the API with uvicorn on HOST:PORT (default 127.0.0.1:8000)."""

from __future__ import annotations

import logging
import sys

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def main() -> int:
    import uvicorn

    from service.api.app import create_app
    from service.api.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    if not settings.api_keys:
        if settings.host not in LOOPBACK:
            print(f"refusing to listen on {settings.host} without API keys: set HANDOFF_API_KEYS or HOST=127.0.0.1",
                  file=sys.stderr)
            return 2
        print("no API keys configured (HANDOFF_API_KEYS): listening on loopback only", file=sys.stderr)
    print(f"serving on http://{settings.host}:{settings.port}/  (API docs: /docs)", file=sys.stderr)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
