"""A DynamoDB table: on-demand, KMS-encrypted, point-in-time recovery, optional TTL, GSIs and replicas.

Defaults:
- billing PAY_PER_REQUEST (on demand); every declared attribute must be a key of the table or of an index
- SSE with the given customer-managed key; point-in-time recovery on
- deletion protection: required (it differs per environment)
- streams off; replicas (global table) need `stream_view_type=StreamViewType.NEW_AND_OLD_IMAGES` and a key per
  replica region
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTableGlobalSecondaryIndex,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableReplica,
    DynamodbTableServerSideEncryption,
    DynamodbTableTtl,
)
from constructs import Construct

from core.props import raise_problems

_TYPES = ("S", "N", "B")


class StreamViewType(StrEnum):
    """What a DynamoDB stream record holds (global tables replicate through NEW_AND_OLD_IMAGES)."""

    KEYS_ONLY = "KEYS_ONLY"
    NEW_IMAGE = "NEW_IMAGE"
    OLD_IMAGE = "OLD_IMAGE"
    NEW_AND_OLD_IMAGES = "NEW_AND_OLD_IMAGES"


_PROJECTIONS = ("ALL", "KEYS_ONLY", "INCLUDE")


@dataclass(frozen=True, kw_only=True)
class GlobalIndex:
    """A global secondary index."""

    #: index name
    name: str
    #: partition key attribute (string)
    hash_key: str
    #: sort key attribute (string); None: none
    range_key: str | None = None
    #: attributes projected into the index
    projection_type: str = "ALL"


@dataclass(frozen=True, kw_only=True)
class Replica:
    """A replica region of a global table, with the KMS key (in that region) that encrypts it."""

    #: region of the replica (another region than the table's)
    region: str
    #: KMS key of that region encrypting the replica
    kms_key_arn: str


@dataclass(frozen=True, kw_only=True)
class TableProps:  # pylint: disable=too-many-instance-attributes
    """Props of Table. `attributes` maps every key attribute (of the table and its indexes) to S, N or B."""

    #: name of the table
    table_name: str
    #: partition key attribute (string)
    hash_key: str
    attributes: tuple[tuple[str, str], ...]
    #: KMS key encrypting the table
    kms_key_arn: str
    #: refuse deletion of the table (required: differs per environment)
    deletion_protection: bool
    #: sort key attribute (string); None: none
    range_key: str | None = None
    #: global secondary indexes
    global_indexes: tuple[GlobalIndex, ...] = ()
    #: attribute holding each item's expiry time; None: no TTL
    ttl_attribute: str | None = None
    #: continuous backups with point-in-time restore
    point_in_time_recovery: bool = True
    stream_view_type: StreamViewType | None = None
    #: replicas in other regions (a global table, version 2019.11.21)
    replicas: tuple[Replica, ...] = ()


def key_names(props: TableProps) -> set[str]:
    """Every attribute used as a key by the table or one of its indexes."""
    keys = {props.hash_key, props.range_key}
    for index in props.global_indexes:
        keys |= {index.hash_key, index.range_key}
    return {k for k in keys if k}


def _problems(props: TableProps) -> list[str | None]:
    declared = dict(props.attributes)
    keys = key_names(props)
    return [
        None
        if set(declared) == keys
        else f"attributes must be exactly the key attributes {sorted(keys)} (DynamoDB rejects unindexed ones); "
        f"got {sorted(declared)}",
        next(
            (
                f"attribute {n!r} has type {t!r}; use one of {', '.join(_TYPES)}"
                for n, t in props.attributes
                if t not in _TYPES
            ),
            None,
        ),
        next(
            (
                f"index {i.name!r}: projection_type must be one of {', '.join(_PROJECTIONS)}"
                for i in props.global_indexes
                if i.projection_type not in _PROJECTIONS
            ),
            None,
        ),
        None
        if not props.replicas or props.stream_view_type == StreamViewType.NEW_AND_OLD_IMAGES
        else "replicas need stream_view_type='NEW_AND_OLD_IMAGES' (global tables replicate through the stream)",
    ]


class Table(Construct):
    """The table; `table` is public."""

    def __init__(self, scope: Construct, id_: str, *, props: TableProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"Table {id_}", _problems(props))
        self.table = DynamodbTable(
            self,
            "Table",
            name=props.table_name,
            billing_mode="PAY_PER_REQUEST",
            hash_key=props.hash_key,
            range_key=props.range_key,
            attribute=[DynamodbTableAttribute(name=n, type=t) for n, t in sorted(props.attributes)],
            global_secondary_index=[
                DynamodbTableGlobalSecondaryIndex(
                    name=i.name, hash_key=i.hash_key, range_key=i.range_key, projection_type=i.projection_type
                )
                for i in props.global_indexes
            ]
            or None,
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=props.point_in_time_recovery),
            server_side_encryption=DynamodbTableServerSideEncryption(enabled=True, kms_key_arn=props.kms_key_arn),
            ttl=None
            if props.ttl_attribute is None
            else DynamodbTableTtl(attribute_name=props.ttl_attribute, enabled=True),
            deletion_protection_enabled=props.deletion_protection,
            stream_enabled=props.stream_view_type is not None or None,
            stream_view_type=props.stream_view_type,
            replica=[
                DynamodbTableReplica(
                    region_name=r.region, kms_key_arn=r.kms_key_arn, point_in_time_recovery=props.point_in_time_recovery
                )
                for r in props.replicas
            ]
            or None,
        )
