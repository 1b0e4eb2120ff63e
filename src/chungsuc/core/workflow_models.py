"""Tables of the generic workflow engine (filled in by the workflow work)."""

__all__: list[str] = []
