"""The sentence shown on the audit page for each action code of the programs app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action

GROUP = _("Programmes")

# --- review: reviewer pool, conflicts, assignment ------------------------------------------------
# Korean sentences put a fixed particle after the names they insert (의), so that no name needs
# a particle chosen by its last syllable.
for code, sentence in (
    ("reviewer.add", _("%(actor)s added %(object)s to the reviewer pool.")),
    ("reviewer.update", _("%(actor)s changed the reviewer profile %(object)s.")),
    ("reviewer_tie.add", _("%(actor)s recorded a tie of %(object)s.")),
    ("reviewer_tie.delete", _("%(actor)s deleted a tie of %(object)s.")),
    ("conflict.find", _("%(actor)s looked for conflicts of interest in %(object)s.")),
    ("conflict.declare", _("%(actor)s declared on a conflict of interest for %(object)s.")),
    ("assignment_run.start", _("%(actor)s started the reviewer assignment %(object)s.")),
    (
        "assignment_run.finish",
        _("%(actor)s finished computing the reviewer assignment %(object)s."),
    ),
    ("assignment_run.deploy", _("%(actor)s deployed the reviewer assignment %(object)s.")),
    ("assignment.add", _("%(actor)s added a reviewer by hand in %(object)s.")),
    ("assignment.remove", _("%(actor)s removed a reviewer by hand in %(object)s.")),
    ("assignment.move", _("%(actor)s moved a reviewer by hand in %(object)s.")),
):
    audit_action(code, sentence, group=GROUP)
