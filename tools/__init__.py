"""Project tooling behind `python -m tools <command>` (and the Makefile): synth, validate, scan, deploy, plan,
destroy, the local AWS emulator, bench. Long steps report progress on stderr; failures exit non-zero."""
