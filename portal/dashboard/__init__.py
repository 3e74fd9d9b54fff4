"""The staff dashboard: one page assembled from each app's selectors (the roof of the layers)."""
