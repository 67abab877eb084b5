"""`archscan demo`: a seeded organization on a loopback moto server, audited live."""
