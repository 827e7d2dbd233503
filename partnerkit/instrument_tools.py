"""Working with instruments: listing, showing, starting a new one, checking one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OptionError
from .i18n import Message
from .instrument import DEFAULT_INSTRUMENT, Instrument, list_instruments, load_instrument

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class InstrumentListing:
    """The bundled instruments."""

    instruments: tuple[Instrument, ...]
    lang: str = "en"

    def meta(self) -> dict:
        from ._version import __version__

        return {"partnerkit_version": __version__, "command": "instrument list"}

    def json_results(self) -> list[dict]:
        return [
            {
                "id": i.id,
                "version": i.version,
                "language": i.language,
                "title": dict(i.title),
                "dimensions": len(i.dimensions),
                "items": len(i.items),
            }
            for i in self.instruments
        ]

    @property
    def records(self) -> pd.DataFrame:
        """One row per instrument (CSV): its title in ``lang``."""
        import pandas as pd

        rows = [
            (i.id, i.version, i.language, i.label(self.lang), len(i.dimensions), len(i.items))
            for i in self.instruments
        ]
        columns = ["id", "version", "language", "title", "dimensions", "items"]
        return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class InstrumentView:
    """One instrument's scale, dimensions and items, in one language."""

    instrument: Instrument
    lang: str

    def meta(self) -> dict:
        from ._version import __version__

        inst = self.instrument
        scale = inst.scale
        return {
            "partnerkit_version": __version__,
            "command": "instrument show",
            "instrument": {"id": inst.id, "version": inst.version, "source": inst.source},
            "scale": {
                "min": scale.min,
                "max": scale.max,
                "favourable": scale.favourable,
                "direction": "descending" if scale.descending else "ascending",
                "labels": {p: scale.name(p, self.lang) for p in scale.points},
                "missing": scale.name("missing", self.lang),
                "missing_codes": list(scale.missing_codes),
            },
            "zones": {"strength": inst.zones.strength, "attention": inst.zones.attention},
            "lang": self.lang,
        }

    def json_results(self) -> list[dict]:
        return [
            {
                "dimension": d.id,
                "name": d.label(self.lang),
                "items": [
                    {"item": i.id, "text": i.label(self.lang), "reverse": i.reverse}
                    for i in d.items
                ],
            }
            for d in self.instrument.dimensions
        ]

    @property
    def records(self) -> pd.DataFrame:
        """One row per item (CSV), with its dimension."""
        import pandas as pd

        rows = [
            (d.id, d.label(self.lang), i.id, i.label(self.lang), i.reverse)
            for d in self.instrument.dimensions
            for i in d.items
        ]
        return pd.DataFrame(rows, columns=["dimension", "name", "item", "text", "reverse"])


def listing(lang: str = "en") -> InstrumentListing:
    """All bundled instruments, loaded."""
    return InstrumentListing(tuple(load_instrument(n) for n in list_instruments()), lang)


def starter_text(instrument_id: str) -> str:
    """The commented default instrument, renamed to ``instrument_id``: a valid starting point."""
    path = resources.files("partnerkit") / "instruments" / f"{DEFAULT_INSTRUMENT}.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^id = "[^"]*"', f'id = "{instrument_id}"', text, count=1, flags=re.M)
    return text.replace(
        "# partnerskab: the default instrument of partnerkit.",
        f"# {instrument_id}: a partnership instrument, started from partnerkit's default.",
        1,
    )


def init_instrument(path: Path, force: bool = False) -> Path:
    """Write the commented starter instrument to ``path`` (refusing to overwrite)."""
    from .output import write_output

    if path.suffix.lower() != ".toml":
        raise OptionError(Message("error.instrument_suffix", path=path))
    if path.exists() and not force:
        raise OptionError(Message("error.instrument_exists", path=path))
    instrument_id = re.sub(r"\W+", "_", path.stem).strip("_") or "my_instrument"
    # refused above unless --force; the rest of the output policy applies (write_output)
    write_output(starter_text(instrument_id), path, "toml", force=True)
    return path


def show_instrument(name: str | Path, lang: str | None = None) -> InstrumentView:
    """The instrument ``name`` (bundled or a TOML path) in ``lang``, else its own language."""
    inst = load_instrument(name)
    return InstrumentView(inst, str(lang) if lang else inst.language)
