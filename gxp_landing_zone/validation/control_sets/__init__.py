"""Controls grouped by the part of the estate they protect; controls.py joins them into one registry."""
