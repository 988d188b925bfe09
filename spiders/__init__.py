"""The Scrapy project: discovery and fetching only. Pages are stored raw in ``raw_pages``; nothing here
extracts article fields."""
