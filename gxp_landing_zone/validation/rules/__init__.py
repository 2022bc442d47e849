"""Part 11 rules: one small pure function per control, grouped by AWS service.

Each rule takes the L1 resource and the RuleContext (facts derived from the config)
and answers COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE. Rules read typed L1
properties, as cdk-nag's own rules do; raw ``add_property_override`` escape hatches
are not visible to them (the snapshot tests and the deployed AWS Config rules are).
"""
