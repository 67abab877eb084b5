"""Terraform plan collector: ``terraform show -json`` output in, an Inventory out."""

from scanner.collect.terraform.collector import collect_plan
from scanner.collect.terraform.load import load_plan_document

__all__ = ["collect_plan", "load_plan_document"]
