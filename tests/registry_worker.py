"""One issuing process for the concurrency test and the benchmark: `python registry_worker.py URL
INSTITUTION WORKER COUNT` issues COUNT documents into the registry at URL (the keys in
$ATURAN_REGISTRY_KEY and $ATURAN_REGISTRY_SIGNING_KEY), participant ids INSTITUTION-WORKER-i,
through the library's `Registry.issue`. A rerun issues what is missing and returns the numbers
already taken."""

import os
import sys

from aturan.documents import Registry

FORMAT = "{seq:04d}/{code}/{institution}/{year}"
CODES = {"sttp": "STTP"}


def issue_all(target: str, institution: str, worker: str, count: int) -> None:
    registry = Registry(
        target,
        FORMAT,
        CODES,
        key=bytes.fromhex(os.environ["ATURAN_REGISTRY_KEY"]),
        signing_key=bytes.fromhex(os.environ["ATURAN_REGISTRY_SIGNING_KEY"]),
        institution=institution,
    )
    for i in range(count):
        registry.issue(
            doc_type="sttp",
            nip=f"{institution}-{worker}-{i:04d}",
            name=f"Peserta {i}",
            event_key="pka:2026-06-30",
            decision_id=f"d{i}",
            rules_version="v1",
            content_hash=f"h{i}",
            year=2026,
            doc_date="2026-07-01",
            now="2026-07-01T08:00:00+00:00",
        )
    registry.close()


if __name__ == "__main__":
    issue_all(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
