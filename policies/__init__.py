"""Policy as code: the Checkov wrapper (scan.py) and the project's own checks (checks/, one per file)."""
