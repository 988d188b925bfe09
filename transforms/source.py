"""What extraction may know about the site a page came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A news source as extraction sees it.

    ``time_zone`` (an IANA name) localizes dates that carry no offset and is used to cross-check dates that claim
    to be UTC. ``locale`` picks the dateparser locale for visible date text: ``ar`` (Egyptian month names),
    ``ar-LB``/``ar-JO``/``ar-SY`` (Levantine), ``ar-TN``/``ar-DZ`` (فيفري), ``ar-MA`` (غشت).
    """

    key: str
    time_zone: str | None = None  # None: not known (dates then take the zone the page states, else UTC)
    locale: str = "ar"
    name: str | None = None  # the site's display name, e.g. "اليوم السابع"; never an author

    def __post_init__(self) -> None:
        if self.time_zone:
            from .dates import zone

            zone(self.time_zone)  # an unknown zone name is an error here, never a silent UTC
