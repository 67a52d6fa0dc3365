"""Makes `helpers` importable by the callback tests (pytest puts this folder on sys.path)."""
