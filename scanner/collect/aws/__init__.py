"""Live collection: boto3 over every account, region and service, into the inventory."""
