"""The errors the models floor raises."""


class ProvisioningError(RuntimeError):
    """A model cannot be provisioned; the message names the package to (re)install."""


class EmbeddingServiceError(RuntimeError):
    """The remote embedding server is not configured, unreachable, or answers something unusable."""
