"""Synthetic citizen feedback for ``xaso seed``: three years of reports per seeded commune,
with the patterns a real ward sees, so that the queue, the KPIs and the dashboards have
something true-to-life to show. Deterministic for a given ``--seed`` and moment ``now``.

What is modelled (numbers are the generator's, not measurements of a real ward):

- **Volume**: ``REPORTS_PER_RESIDENT`` × residents over three years (≈ 20,000 for the demo ward
  of 30,000), growing as residents adopt the app (×0.75 at the start, ×1.25 at the end).
- **Category mix**: rubbish and street lights most common, then drains, pavements, roads …
- **Seasons**: drain and flooding reports in the rainy season (May–October) with bursts after
  storms (a few random storms a year plus Typhoon Yagi, 7 September 2024, which felled tens of
  thousands of trees in Hà Nội); fallen trees in storm season; more rubbish, pavement stalls
  and food complaints around Tết, and fewer reports of anything during the Tết days off.
- **Week and day**: fewer reports at the weekend and at night; street lights are reported in
  the evening, noise late at night, procedures during office hours.
- **Channels**: web and app, hotline, residential-group leaders, the kiosk (office hours only)
  and a few Open311 clients; the web's share grows, the hotline's shrinks.
- **Places**: a point inside the residential group's boundary (the group always matches the
  point), often at a few recurring hot spots (low-lying lanes, rubbish collection points).
- **Workflow**: triage, assignment and work counted in working time (``core.calendar``; crews
  on duty handle drains, fallen trees and noise at any hour), the due time from the
  category's SLA as ``services.due_time`` computes it; most reports resolved with a public
  answer, some rejected with a reason, duplicates merged into an earlier report of the same
  place, a tail still open (the last days' reports and a few cases that wait for months),
  overdue ones escalated a few minutes after their due time, a few reopened by the citizen;
  the ward gets faster: the median time to resolve falls from ≈ 40 to ≈ 12 wall-clock hours
  over the three years. ~60 % of resolved reports are rated, late ones lower.

Modules: ``patterns`` (the numbers above), ``text`` (what residents write and the ward
answers), ``generator`` (the drawing and the bulk writes). At city and province scale every
commune but the demo ward gets ``OTHER_COMMUNES_SHARE`` of the volume, to keep the seed within
minutes (docs/benchmarks.md).
"""

from xaso.feedback.synthetic.generator import FeedbackGenerator, seed_feedback
from xaso.feedback.synthetic.patterns import OTHER_COMMUNES_SHARE, REPORTS_PER_RESIDENT

__all__ = ["OTHER_COMMUNES_SHARE", "REPORTS_PER_RESIDENT", "FeedbackGenerator", "seed_feedback"]
