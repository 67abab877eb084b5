"""One module per AWS service, each exporting ``SPEC``: a ServiceSpec."""
