"""Reusable constructs, one per file. Modules know nothing about environments: stacks pass every value in."""
