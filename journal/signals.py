"""Past-tense signals the journal sends after a step is committed.

Listeners (search indexing, the exchange bridge, …) subscribe here; the journal never
imports them.
"""

from blinker import Namespace

_signals = Namespace()

submission_submitted = _signals.signal("submission-submitted")
submission_withdrawn = _signals.signal("submission-withdrawn")
submission_transitioned = _signals.signal("submission-transitioned")
profile_changed = _signals.signal("profile-changed")
# Editorial review (journal/review/services.py), sender the submission: a decision was
# recorded (``decision`` = accept, minor_revisions, major_revisions, reject, desk_reject).
submission_decided = _signals.signal("submission-decided")
# Sent after the commit with the Article as sender (journal/publish/issues.py).
article_published = _signals.signal("article-published")
article_unpublished = _signals.signal("article-unpublished")

# Hooks for optional listeners (the exchange bridge) that the journal asks, never imports.
# Review suggestions (journal/review/reviewers.py) send the submission; receivers return
# ``{user id: [keywords]}`` of more people to consider, with the keywords to match.
reviewer_expertise = _signals.signal("reviewer-expertise")
# ``journal demo`` (journal/demo.py) sends the app once the demo journal is loaded, with
# ``people`` ({key: User}) and ``tasks`` ({code: FundedTask}); receivers add their demo data.
demo_loaded = _signals.signal("demo-loaded")
# The yearly report (journal/reports/services.py) sends the app with ``period``
# (journal.reports.periods.Period); receivers return a list of
# journal.reports.figures.ExtraFigure: more counts per province and year.
report_figures_requested = _signals.signal("report-figures-requested")
