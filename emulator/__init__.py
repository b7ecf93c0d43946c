"""The local AWS emulator: moto in server mode (server.py) with the project's compatibility fixes for gaps of
stock moto, one module per AWS service (patches/)."""
