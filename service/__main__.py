"""`python -m service`: serve the API with uvicorn on HOST:PORT (default 127.0.0.1:8000)."""

from __future__ import annotations

import logging
import sys

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def main() -> int:
    import uvicorn

    from service.api.app import create_app
    from service.api.settings import Settings
    from service.engine.policy import PolicyError, load_policy

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env()
    except ValueError as exc:  # SettingsError (an unreadable keys file), PORT=abc, …: the reason, no traceback
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    if not settings.keys_configured:
        if settings.host not in LOOPBACK:
            print(f"refusing to listen on {settings.host} without API keys: set HANDOFF_API_KEYS or HOST=127.0.0.1",
                  file=sys.stderr)
            return 2
        print("no API keys configured (HANDOFF_API_KEYS): listening on loopback only", file=sys.stderr)
    try:
        policy = load_policy(settings.policy_file)
    except PolicyError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    print(f"handoff policy: {policy.source} (required {list(policy.required)}, min_score {policy.min_score})", file=sys.stderr)
    print(f"serving on http://{settings.host}:{settings.port}/  (API docs: /docs)", file=sys.stderr)
    if settings.workers > 1:
        # each worker is its own process with its own model, parser and encoder (see README: Workers)
        uvicorn.run("service.api.app:create_app", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, log_level="info", access_log=False)
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                    access_log=False)  # the guard logs each request, without its query string (?key=)
    return 0


if __name__ == "__main__":
    sys.exit(main())
