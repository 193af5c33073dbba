from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def parser():
    """One GiNZA pipeline for the whole session (loading takes seconds)."""
    from service.engine.nlp import Parser

    return Parser()


@pytest.fixture(scope="session")
def states(parser):
    """detect(text) → {element: state}, on the shared parser."""
    from service.engine.detect import detect

    return lambda text: detect(text, parser).states()
