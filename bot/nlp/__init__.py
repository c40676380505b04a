"""Dutch language processing: the spaCy pipeline, urgency rules, role and school extraction."""
