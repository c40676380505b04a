"""The staff console and the analysts' dashboard: one aiohttp app on the contact log's database."""
