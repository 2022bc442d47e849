from __future__ import annotations

from ..constructs.compliance_events import OrganizationConformancePack
from ..validation import conformance
from .base import GxpStack


class ComplianceStack(GxpStack):
    """Audit account (the delegated administrator for AWS Config), every allowed region: the Part 11
    conformance pack generated from the control registry, deployed to every account of the
    validation boundary. An organization conformance pack only acts in the region it is created
    in, hence one stack per region (Annex 11 §11 periodic evaluation; 11.10(a))."""

    component = "Compliance"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        config = self.config
        self.rules = conformance.pack_rules()
        self.pack = OrganizationConformancePack(
            self,
            "Part11ConformancePack",
            name=conformance.PACK_NAME,
            template_body=conformance.template_body(
                self.rules, cloudwatch_retention_days=config.audit_log.cloudwatch_retention_days
            ),
            # Research accounts are outside the validation boundary.
            excluded_accounts=[a.id for a in config.research_accounts],
        )
