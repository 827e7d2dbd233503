"""``privacy-check``: the audit of :mod:`partnerkit.privacy` as a command's result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .result import Result

if TYPE_CHECKING:
    from .survey import Survey


@dataclass(frozen=True, kw_only=True)
class PrivacyCheckResult(Result):
    """Every hidden group of the published outputs, with the interval its mean could lie in."""

    command: ClassVar[str] = "privacy-check"

    protection: float  # in scale points
    published: int  # published (n, mean) figures the attack used
    outputs: tuple[str, ...] = ()

    def settings(self) -> dict:
        return {
            "protection": self.protection,
            "published": self.published,
            "outputs": list(self.outputs),
            "exposed": int((~self.records["protected"]).sum()),
        }

    def privacy(self) -> dict:
        return {}

    @property
    def exposed(self) -> int:
        return int((~self.records["protected"]).sum())


def privacy_check(
    survey: Survey,
    outputs: Sequence,
    *,
    protection: float | None = None,
    min_n: int | None = None,
    names: Sequence[str] = (),
) -> PrivacyCheckResult:
    """Run :func:`partnerkit.privacy.audit` over ``outputs`` (JSON documents or paths)."""
    from .privacy import audit

    result = audit(outputs, survey, protection=protection, min_n=min_n)
    cells = result.cells.sort_values(["protected", "width"], kind="stable")
    return PrivacyCheckResult(
        records=cells.reset_index(drop=True),
        survey=survey,
        min_n=min_n or 5,
        lang=survey.instrument.language,
        ledger=survey.ledger,
        protection=result.protection,
        published=result.published,
        outputs=tuple(names),
    )
