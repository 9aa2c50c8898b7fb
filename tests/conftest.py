import os
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
REALPDF = SHARED / "realpdf"


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: the tests read the shared real documents from ../shared")
    return path
