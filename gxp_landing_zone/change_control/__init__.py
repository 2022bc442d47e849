"""Validated change control at run time: the change record, the release gate and the qualification
drivers the promotion pipeline's steps run (python -m gxp_landing_zone.change_control ...).

Nothing here imports the stacks or constructs: the steps run in CodeBuild against the synthesized
assembly and the deployed accounts, as the IQ and OQ runners do.
"""
