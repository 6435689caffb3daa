"""Generated reports: the progress bulletin (通报) and the annual summary, in every format."""
