from __future__ import annotations

from ..constructs.permission_sets import BreakGlassSpec, PermissionSets, RecordExports
from ..naming import BREAK_GLASS_PERMISSION_SET
from .base import GxpStack


class AccessStack(GxpStack):
    """Management account, home region: who may sign in where, and for how long."""

    component = "Access"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        access = self.config.access
        all_roles = [a.role for a in self.config.accounts]
        triples = []
        for assignment in access.assignments:
            roles = all_roles if "*" in assignment.accounts else assignment.accounts
            for role in roles:
                triples.append((assignment.group_id, assignment.permission_set, self.config.account(role).id))
        PermissionSets(
            self,
            "IdentityCenterPermissionSets",
            instance_arn=access.instance_arn,
            session_hours=access.session_hours,
            record_bucket_prefix=self.names.records_bucket_prefix(),
            assignments=triples,
            exports=RecordExports(self.names.RECORD_EXPORT_FUNCTION, self.names.RECORD_EXPORT_KEY_ALIAS),
            break_glass=BreakGlassSpec(
                name=BREAK_GLASS_PERMISSION_SET,
                group_id=self.config.change_control.break_glass.group_id,
                account_ids=tuple(a.id for a in self.config.regulated_accounts),
                session_hours=self.config.change_control.break_glass.session_hours,
            ),
        )
