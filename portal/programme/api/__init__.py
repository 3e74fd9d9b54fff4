"""The programme's REST API: programmes, milestones, snapshots."""
