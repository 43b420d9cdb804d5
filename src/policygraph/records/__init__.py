"""Input: record kinds (kinds.py), the YAML loader, input safety checks, the source map."""
