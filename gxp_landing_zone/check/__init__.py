"""Every control on any CloudFormation: ``python -m gxp_landing_zone.check PATH`` (see __main__.py)."""
