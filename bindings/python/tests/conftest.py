"""Shared fixtures: the cross-language vectors and the documentation example."""

import json
from pathlib import Path
from typing import Any, Dict, List

VECTORS_PATH = Path(__file__).resolve().parent / ".." / ".." / ".." / "tests" / "vectors" / "signatures.json"

Vector = Dict[str, Any]


def load_vectors() -> Dict[str, List[Vector]]:
    """The vectors every language reproduces (``tests/vectors/signatures.json``)."""
    with VECTORS_PATH.open(encoding="utf-8") as f:
        data: Dict[str, List[Vector]] = json.load(f)
    return data


VECTORS = load_vectors()

DIAGNOSE_PATH = VECTORS_PATH.parent / "diagnose.json"


def load_diagnose_vectors() -> Dict[str, List[Vector]]:
    """The mistake table every language reproduces (``tests/vectors/diagnose.json``)."""
    with DIAGNOSE_PATH.open(encoding="utf-8") as f:
        data: Dict[str, List[Vector]] = json.load(f)
    return data


DIAGNOSE_VECTORS = load_diagnose_vectors()

APP_ID = "wx20afc706a711eefc"
GROUP_ID = "1559129713_672975982"
NONCE = "8AP6DT9ybtniUJfb"
TS = 1559129714
KEY = "gDyVgzwa0mFz9uUP7M6GQQ=="
DOC_SIGNATURE = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"

ROOMS_PATH = VECTORS_PATH.parent / "rooms.json"


def load_rooms_vectors() -> Dict[str, Any]:
    """The room ledger scenarios every language runs (``tests/vectors/rooms.json``)."""
    with ROOMS_PATH.open(encoding="utf-8") as f:
        data: Dict[str, Any] = json.load(f)
    return data


ROOMS_VECTORS = load_rooms_vectors()
