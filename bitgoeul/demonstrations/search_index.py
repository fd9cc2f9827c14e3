"""The showcase's search terms of a project (`bitgoeul.search`): names whole and by suffix,
texts by morpheme, so that `재활로봇을` finds `재활 로봇` and `셔틀` finds `자율주행셔틀`."""

from __future__ import annotations

from bitgoeul.demonstrations.models import Project
from bitgoeul.search.terms import document_terms, name_terms


def project_terms(project: Project) -> str:
    """Reads the project's company organisation and site (select them with it)."""
    names = " ".join(
        [project.title, project.title_en, project.company.organization.name, project.site.name]
    )
    texts = " ".join([project.product, project.goal, project.story, project.story_en])
    return f"{name_terms(names)} {document_terms(texts)}".strip()
