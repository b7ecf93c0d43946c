"""Cross-cutting pieces every stack shares: naming, required tags, suppressions, the base stack."""
