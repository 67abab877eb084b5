"""archscan: checks AWS accounts and Terraform plans against a documented reference architecture."""

__version__ = "0.1.0"
