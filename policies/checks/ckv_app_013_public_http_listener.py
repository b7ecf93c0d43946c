"""CKV_APP_013: an HTTP listener of a load balancer only redirects to HTTPS, unless its environment's record allows
plain HTTP.

What fails: an `aws_lb_listener` / `aws_alb_listener` with `protocol = "HTTP"` (or no protocol, which AWS takes as
HTTP on an ALB) whose default actions are not all a `redirect` to `HTTPS`, when its `Environment` tag names an
environment whose record does not set `allow_plain_http = true` (config/environments.toml, [defaults] merged
with the environment), or when it has no `Environment` tag at all. The project's load balancers are all
internet-facing (modules/load_balancer.py); an internal one would need the same switch.

Why it matters: a listener that forwards or answers on port 80 serves requests and responses in clear text to
anyone on the path (seed 000 left HTTPS commented out and shipped plain HTTP to 0.0.0.0/0). Fix: give the workload
a certificate source (`certificate_arn`, or `hosted_zone_id` + `domain_name` for an ACM certificate with DNS
validation) so the module serves HTTPS on 443 only and opens no port 80 at all; or, outside protected
environments, set `allow_plain_http = true` in the environment's record on purpose (the consistency report lists
it).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import first, tags_of


@lru_cache(maxsize=1)
def plain_http_environments() -> frozenset[str]:
    """Every environment whose record (defaults merged) sets allow_plain_http = true."""
    from config.loader import ENVIRONMENTS_FILE  # pylint: disable=import-outside-toplevel

    data = tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    default = data.get("defaults", {}).get("allow_plain_http", False) is True
    return frozenset(
        name
        for name, record in data.get("environments", {}).items()
        if isinstance(record, dict) and record.get("allow_plain_http", default) is True
    )


def _redirects_to_https(action: Any) -> bool:
    while isinstance(action, list) and len(action) == 1:
        action = action[0]
    if not isinstance(action, dict) or first(action, "type") != "redirect":
        return False
    redirect = first(action, "redirect", {})
    return isinstance(redirect, dict) and str(first(redirect, "protocol", "")).upper() == "HTTPS"


class PublicHttpListener(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure a load balancer's HTTP listener only redirects to HTTPS unless the environment allows "
            "plain HTTP",
            id="CKV_APP_013",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=("aws_lb_listener", "aws_alb_listener"),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["protocol", "default_action", "tags"]
        protocol = str(first(conf, "protocol", "HTTP")).upper()
        if protocol != "HTTP":
            return CheckResult.PASSED
        actions = conf.get("default_action") or []
        if actions and all(_redirects_to_https(a) for a in actions):
            return CheckResult.PASSED
        environment = (tags_of(conf) or {}).get("Environment")
        if environment in plain_http_environments():
            return CheckResult.PASSED
        self.details.append(
            f"HTTP listener serves traffic in environment {environment!r}, whose record does not set "
            "allow_plain_http: give the workload a certificate source (certificate_arn, or "
            "hosted_zone_id + domain_name) so the load balancer serves HTTPS only, or redirect port 80 to HTTPS"
        )
        return CheckResult.FAILED


check = PublicHttpListener()
