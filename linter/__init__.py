"""kefu-lint: lint Chinese customer-service reply templates (话术) against the handbook's rules.

The Python API (``api.py``): ``lint_text`` for one reply, ``lint_paths`` for files; for chat
logs, ``score_session`` for one conversation and ``check_chats`` for exports.
"""

__version__ = "0.1.0"

from .api import check_chats, lint_paths, lint_text, score_session  # noqa: E402

__all__ = ["check_chats", "lint_paths", "lint_text", "score_session", "__version__"]
