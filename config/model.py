"""Typed environment records. Each field's metadata names the check applied to it on load (see loader.py).

Values that must differ per environment have no default here: they come from environments.toml, where
[defaults] gives the common value and each environment writes only its differences.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from config.catalog import Catalog

Check = Callable[[Any, Catalog], "str | None"]


def checked(check: Check, help_text: str) -> Any:
    """A dataclass field validated on load by `check`; `help_text` documents it (docs and error messages)."""
    return field(metadata={"check": check, "help": help_text})  # pylint: disable=invalid-field-call


def described(help_text: str) -> Any:
    """A dataclass field with documentation only (its type is still checked)."""
    return field(metadata={"help": help_text})  # pylint: disable=invalid-field-call


def account_id(value: str, _: Catalog) -> str | None:
    """A 12-digit AWS account id."""
    return None if re.fullmatch(r"\d{12}", value) else f"{value!r} is not a 12-digit AWS account id"


def region(value: str, catalog: Catalog) -> str | None:
    """A region in the catalog's allowed list."""
    if value in catalog.regions:
        return None
    return f"region {value!r} is not allowed; choose one of: {', '.join(catalog.regions)}"


def retention(value: int, catalog: Catalog) -> str | None:
    """A retention period CloudWatch Logs accepts."""
    if value in catalog.log_retention_days:
        return None
    choices = ", ".join(map(str, catalog.log_retention_days))
    return f"{value} is not a CloudWatch Logs retention; choose one of: {choices}"


def positive(value: int, _: Catalog) -> str | None:
    """A whole number of at least 1."""
    return None if value >= 1 else f"{value} must be at least 1"


def cidr(value: str, _: Catalog) -> str | None:
    """An IPv4 network in CIDR notation, /16 to /24, with no host bits set."""
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as exc:
        return f"{value!r} is not a valid IPv4 CIDR block ({exc}); write it like '10.20.0.0/16'"
    if not 16 <= network.prefixlen <= 24:
        return f"{value!r} has prefix /{network.prefixlen}; AWS VPCs take /16 to /28, and we need /16 to /24"
    return None


@dataclass(frozen=True)
class StateSettings:
    """The Terraform state bucket of an environment (created by the bootstrap stack)."""

    noncurrent_version_expiration_days: int = checked(positive, "days old state versions are kept")


@dataclass(frozen=True)
class EnvironmentRecord:  # pylint: disable=too-many-instance-attributes
    """One deployment environment: where it lives and how protective and long-lived its resources are."""

    name: str = described("environment name (the table name in environments.toml)")
    account_id: str = checked(account_id, "the only AWS account this environment may deploy into")
    region: str = checked(region, "home region of every stack of this environment")
    owner: str = described("team that owns the resources (the Owner tag)")
    deletion_protection: bool = described("protect stateful resources from deletion")
    log_retention_days: int = checked(retention, "CloudWatch Logs retention of every log group")
    state: StateSettings = described("Terraform state bucket settings")
