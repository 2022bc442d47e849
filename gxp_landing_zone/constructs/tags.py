"""Tags the compliance rules read: they say which requirement a resource carries."""

# Name of the retention requirement (a data class, or "audit-log") an Object Lock bucket serves.
RETENTION_CLASS_TAG = "gxp:retention-class"
# "regulated" for resources inside the validation boundary, "research" outside it.
BOUNDARY_TAG = "gxp:boundary"
# Retention class of the e-signature manifest buckets: as long as the longest data class.
MANIFEST_RETENTION_CLASS = "esignature-manifest"
