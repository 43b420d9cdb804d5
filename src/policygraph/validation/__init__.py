"""Validation: SHACL shapes (pySHACL or the Oxigraph engine), citation checks, reports."""
