"""Collectors: each turns one source (a Terraform plan, a live account) into an Inventory."""
