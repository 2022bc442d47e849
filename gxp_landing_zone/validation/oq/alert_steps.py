"""OQ-ALERT-01: a refused-signature alert goes from the audit bus to the alert topic's subscribers.

The runner puts a test event on the audit account's bus, shaped as the signature service's refused
attempts are (its source and detail type), which the Audit stack's RefusedSignatureAlert rule sends to
the alert topic. Whether it arrives is known only to each subscriber: that step is manual, and the
event names the run so the subscriber can tell it from a real alert."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from .protocol import MANUAL_REASON
from .steps import _error

REFUSED_DETAIL_TYPE = "Signature Attempt Refused"


class AlertSteps:
    def alert_01(self) -> None:
        test = "OQ-ALERT-01"
        bus = self.names.audit_bus_arn()
        detail = {"oq_test": test, "oq_run": self.run_id, "test_data": True,
                  "note": "Test alert from the OQ runner; no signature was attempted. Confirm receipt to QA."}
        try:
            answer = self.session.client("events", region_name=self.config.home_region).put_events(Entries=[{
                "Source": self.names.signature_event_source(), "DetailType": REFUSED_DETAIL_TYPE,
                "Detail": json.dumps(detail), "EventBusName": bus}])
            failed = answer.get("FailedEntryCount", 1)
            observed = {"FailedEntryCount": failed, "Entries": answer.get("Entries")}
        except ClientError as exc:
            failed, observed = 1, _error(exc)[1]
        action, expected = self.tests[test]["steps"][0]
        self.record(test, "1", f"{action} (run {self.run_id})", bus, expected, observed, "pass" if failed == 0 else "fail")
        action, expected = self.tests[test]["steps"][1]
        subscribers = ", ".join(f"{s.protocol} {s.endpoint}" for s in self.config.alerts.subscriptions)
        self.record(test, "2", f"{action} Run: {self.run_id}.", subscribers, expected, MANUAL_REASON[test], "manual")
