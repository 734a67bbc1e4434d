"""Cross-app API plumbing: error shapes, pagination, permissions, health."""
