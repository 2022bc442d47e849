"""What the review function tells the audit account's bus, where the Audit stack routes it to the alert topic."""

EVENT_SOURCE = "gxp.audit-review"
READY = "Audit Trail Review Report Awaiting Review"
FAILED = "Audit Trail Review Report Failed"
