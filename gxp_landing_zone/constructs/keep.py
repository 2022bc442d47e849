"""How every stateful resource is kept: CloudFormation's RetainExceptOnCreate.

Once its stack has been created, a resource is retained like Retain when the stack is deleted or the
resource is replaced: no deploy or destroy removes records, keys or audit logs (11.10(c)). Only a first
create that fails and rolls back removes what it made, so the create can be retried instead of
stopping on "already exists" for the fixed names the estate uses.
"""

from aws_cdk import RemovalPolicy

KEEP = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
