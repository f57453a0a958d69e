"""kefu-lint: lint Chinese customer-service reply templates (话术) against the handbook's rules.

The Python API (``api.py``): ``lint_text`` for one reply, ``lint_paths`` for files.
"""

__version__ = "0.1.0"

from .api import lint_paths, lint_text  # noqa: E402

__all__ = ["lint_paths", "lint_text", "__version__"]
