"""Names of the scheduled audit-trail review in the audit account (config/audit_review.py): the schedule,
the function that runs the saved queries, the locked bucket its reports are filed in and the event that
tells QA a report awaits review. Re-exported by naming.py."""

from __future__ import annotations

REVIEW_SCHEDULE = "gxp-audit-trail-review"
REVIEW_FUNCTION_ROLE = "gxp-audit-trail-review"
REVIEW_SCHEDULER_ROLE = "gxp-audit-trail-review-schedule"
REVIEW_REPORT_PREFIX = "audit-trail-reviews/"
REVIEW_RETENTION_CLASS = "audit-trail-review"
# What the review function puts on the audit bus (audit_review/runtime/events.py, the one definition).
from .audit_review.runtime.events import EVENT_SOURCE as REVIEW_EVENT_SOURCE  # noqa: E402
from .audit_review.runtime.events import FAILED as REVIEW_FAILED  # noqa: E402
from .audit_review.runtime.events import READY as REVIEW_READY  # noqa: E402


class ReviewNames:
    """Names.*'s audit-review part; needs ``_c`` (the config) and ``_prefix``."""

    @property
    def review_reports_bucket(self) -> str:
        """Review reports, under Object Lock COMPLIANCE as long as the audit trail they report on."""
        return f"{self._prefix}-audit-reviews-{self._c.audit.id}-{self._c.home_region}"

    @property
    def review_access_log_bucket(self) -> str:
        return f"{self._prefix}-audit-access-logs-{self._c.audit.id}-{self._c.home_region}"

    def review_function_role_arn(self) -> str:
        return f"arn:aws:iam::{self._c.audit.id}:role/{REVIEW_FUNCTION_ROLE}"

    def review_workgroup_arn(self) -> str:
        return f"arn:aws:athena:{self._c.home_region}:{self._c.audit.id}:workgroup/{self.TRAIL_REVIEW_WORKGROUP}"
