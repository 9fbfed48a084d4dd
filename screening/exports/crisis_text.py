"""The region's crisis lines as plain text, for exports that carry them with the
questionnaire itself (the FHIR Questionnaire's display item, the REDCap descriptive field).

The numbers come from ``screening/data/crisis_resources.toml`` through ``screening.crisis``;
nothing here holds a number of its own.
"""

from __future__ import annotations

from screening.crisis import DEFAULT_REGION, CrisisResource, load_crisis_resources
from screening.i18n import t


def service_name(resource: CrisisResource) -> str:
    """The service's name, with its number when its description does not give it
    (``Samaritans (116 123)``; ``988 Suicide & Crisis Lifeline`` says 988 itself)."""
    if resource.number in resource.description:
        return resource.name
    return f"{resource.name} ({resource.number})"


def crisis_lines(region: str = DEFAULT_REGION, language: str = "en") -> list[str]:
    """The heading line and one line per service (name and how to reach it), in order, for
    a person reading ``language`` (in Spanish: the Spanish routes, e.g. 988 press 2)."""
    found = load_crisis_resources().region(region)
    lines = [t("exports.crisis_heading", language, region=found.name_in(language))]
    lines += [f"• {service_name(r)}: {r.description}" for r in found.resources_in(language)]
    return lines


def crisis_text(region: str = DEFAULT_REGION, language: str = "en") -> str:
    """The crisis lines as one text, a line each."""
    return "\n".join(crisis_lines(region, language))
