"""Audit-trail review (Annex 11 9: audit trails "regularly reviewed"): the organization trail in the log
archive made queryable with Amazon Athena from the audit account, and saved queries per data class that a
reviewer runs as the audit log reader.

Why Athena over the trail bucket rather than a CloudTrail Lake event data store: the trail already writes
every management event and every records data event of the organization to the Object Lock bucket, so
Athena reads the retained evidence itself, with no second copy of the trail and no ingestion charge (Lake
bills per GB ingested on top of the trail); a Glue table with partition projection needs no crawler and
no partition maintenance
(https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html).
The cost is latency (a query scans the days it names) and that queries run from the audit account against
another account's bucket, which the bucket policy and the log-archive key already allow for the reader role.

The table uses the CloudTrail SerDe and the columns Athena documents for CloudTrail logs; a query names the
days it reads (``timestamp``) so it scans only those partitions."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from constructs import Construct

from ..audit_review.runtime.period import SAVED_PERIOD

# The organization trail's object layout (CloudTrail User Guide, "Finding your CloudTrail log files").
LOCATION = "s3://{bucket}/AWSLogs/{organization}/${{account}}/CloudTrail/${{region}}/${{timestamp}}"
FIRST_DAY = "2024/01/01"

COLUMNS = [
    ("eventversion", "string"),
    ("useridentity", "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,"
                     "accesskeyid:string,username:string,sessioncontext:struct<attributes:struct<mfaauthenticated:"
                     "string,creationdate:string>,sessionissuer:struct<type:string,principalid:string,arn:string,"
                     "accountid:string,username:string>,sourceidentity:string>>"),
    ("eventtime", "string"), ("eventsource", "string"), ("eventname", "string"), ("awsregion", "string"),
    ("sourceipaddress", "string"), ("useragent", "string"), ("errorcode", "string"), ("errormessage", "string"),
    ("requestparameters", "string"), ("responseelements", "string"), ("additionaleventdata", "string"),
    ("requestid", "string"), ("eventid", "string"), ("readonly", "string"),
    ("resources", "array<struct<arn:string,accountid:string,type:string>>"), ("eventtype", "string"),
    ("apiversion", "string"), ("recipientaccountid", "string"), ("serviceeventdetails", "string"),
    ("sharedeventid", "string"), ("vpcendpointid", "string"),
]

# What each saved query looks for, as CloudTrail names the S3 and KMS operations.
CHANGES = ["PutObject", "CopyObject", "CompleteMultipartUpload", "PutObjectRetention", "PutObjectLegalHold",
           "PutObjectTagging", "DeleteObjectTagging", "RestoreObject"]
DELETIONS = ["DeleteObject", "DeleteObjects", "DeleteBucket"]
READS = ["GetObject", "GetObjectAttributes", "HeadObject"]
PROTECTION = ["PutBucketPolicy", "DeleteBucketPolicy", "PutObjectLockConfiguration", "PutBucketVersioning",
              "PutBucketLifecycle", "DeleteBucketLifecycle", "PutBucketReplication", "DeleteBucketReplication",
              "PutBucketEncryption", "DeleteBucketEncryption", "PutBucketPublicAccessBlock",
              "DeleteBucketPublicAccessBlock", "PutKeyPolicy", "ScheduleKeyDeletion", "DisableKey",
              "DisableKeyRotation", "CreateGrant"]


@dataclass(frozen=True)
class ReviewedClass:
    """One data class: the prefix its buckets' names start with, its key alias, and its expected readers."""

    name: str
    bucket_prefix: str  # a SQL LIKE pattern matching the class's buckets in every account and region
    key_alias: str
    usual_readers: tuple[str, ...]  # SQL LIKE patterns of the principals that read it as a matter of course


def _in(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def queries(table: str, data_class: ReviewedClass) -> dict[str, str]:
    """Kind -> SQL. Each takes the last 30 days; a reviewer changes the date range in the console."""
    bucket = f"json_extract_scalar(requestparameters, '$.bucketName') LIKE '{data_class.bucket_prefix}'"
    # The scheduled review report replaces exactly this condition with its period (audit_review/runtime/period.py).
    recent = SAVED_PERIOD
    who = "useridentity.arn AS principal, sourceipaddress, vpcendpointid"
    what = "eventtime, eventname, json_extract_scalar(requestparameters, '$.key') AS object_key, errorcode"
    usual = " AND ".join(f"coalesce(useridentity.sessioncontext.sessionissuer.arn, useridentity.arn) NOT LIKE '{p}'"
                         for p in data_class.usual_readers) or "TRUE"
    return {
        "changes": f"SELECT {what}, {who} FROM {table} WHERE {recent} AND eventsource = 's3.amazonaws.com' "
                   f"AND eventname IN ({_in(CHANGES)}) AND {bucket} ORDER BY eventtime",
        "attempted deletions": f"SELECT {what}, {who} FROM {table} WHERE {recent} AND eventsource = 's3.amazonaws.com' "
                               f"AND eventname IN ({_in(DELETIONS)}) AND {bucket} ORDER BY eventtime",
        "reads by unusual principals": f"SELECT {who}, count(*) AS reads, min(eventtime) AS first, max(eventtime) AS last "
                                       f"FROM {table} WHERE {recent} AND eventsource = 's3.amazonaws.com' "
                                       f"AND eventname IN ({_in(READS)}) AND {bucket} AND {usual} "
                                       "GROUP BY 1, 2, 3 ORDER BY reads DESC",
        # The trail names a key by its ID, not its alias: every protection change to a KMS key is listed, for
        # the reviewer to match against the class's key (data_class.key_alias).
        "lock and policy changes": f"SELECT {what}, {who}, requestparameters FROM {table} WHERE {recent} "
                                   f"AND eventname IN ({_in(PROTECTION)}) AND ({bucket} OR "
                                   "eventsource = 'kms.amazonaws.com') ORDER BY eventtime",
    }


class TrailReview(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trail_bucket: str,
        organization_id: str,
        account_ids: list[str],
        regions: list[str],
        database: str,
        table: str,
        workgroup: str,
        results_key_arn: str,
        classes: list[ReviewedClass],
    ) -> None:
        super().__init__(scope, id)
        account = Stack.of(self).account
        self.database = glue.CfnDatabase(
            self, "Database", catalog_id=account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=database, description="The organization trail, for audit-trail review (Annex 11 9)"),
        )
        location = LOCATION.format(bucket=trail_bucket, organization=organization_id)
        self.table = glue.CfnTable(
            self, "OrganizationTrail", catalog_id=account, database_name=database,
            table_input=glue.CfnTable.TableInputProperty(
                name=table,
                table_type="EXTERNAL_TABLE",
                parameters={
                    "classification": "cloudtrail",
                    "projection.enabled": "true",
                    "projection.account.type": "enum",
                    "projection.account.values": ",".join(sorted(account_ids)),
                    "projection.region.type": "enum",
                    "projection.region.values": ",".join(sorted(regions)),
                    "projection.timestamp.type": "date",
                    "projection.timestamp.format": "yyyy/MM/dd",
                    "projection.timestamp.interval": "1",
                    "projection.timestamp.interval.unit": "DAYS",
                    "projection.timestamp.range": f"{FIRST_DAY},NOW",
                    "storage.location.template": location,
                },
                partition_keys=[glue.CfnTable.ColumnProperty(name=n, type="string") for n in ("account", "region", "timestamp")],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=f"s3://{trail_bucket}/AWSLogs/{organization_id}/",
                    input_format="com.amazon.emr.cloudtrail.CloudTrailInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library="org.apache.hive.hcatalog.data.JsonSerDe"
                    ),
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in COLUMNS],
                ),
            ),
        )
        self.table.add_dependency(self.database)
        # Results in Athena's managed storage, encrypted with the audit account's key; nobody can point a
        # query's output elsewhere.
        self.workgroup = athena.CfnWorkGroup(
            self, "WorkGroup", name=workgroup, state="ENABLED",
            description="Audit-trail review of regulated records",
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                managed_query_results_configuration=athena.CfnWorkGroup.ManagedQueryResultsConfigurationProperty(
                    enabled=True,
                    encryption_configuration=athena.CfnWorkGroup.ManagedStorageEncryptionConfigurationProperty(
                        kms_key=results_key_arn),
                ),
            ),
        )
        self.queries: list[athena.CfnNamedQuery] = []
        qualified = f'"{database}"."{table}"'
        for data_class in classes:
            for kind, sql in queries(qualified, data_class).items():
                query = athena.CfnNamedQuery(
                    self, f"{data_class.name}-{kind}".title().replace(" ", "").replace("-", ""),
                    name=f"{data_class.name}: {kind}", database=database, work_group=self.workgroup.ref,
                    description=f"Audit-trail review of {data_class.name}: {kind}, last 30 days (Annex 11 9)",
                    query_string=sql,
                )
                query.add_dependency(self.table)
                self.queries.append(query)
