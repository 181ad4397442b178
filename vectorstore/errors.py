"""The vector store's error, importable without Chroma (the command line catches it for every command)."""


class StoreError(Exception):
    """The index cannot be used as it is (unreachable, corrupt, or built with another model)."""
