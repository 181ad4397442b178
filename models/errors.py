"""The one error model provisioning raises."""


class ProvisioningError(RuntimeError):
    """A model cannot be provisioned; the message names the package to (re)install."""
