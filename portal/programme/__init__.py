"""The 100-day programme: working days, milestones, daily evaluation, notifications, charts."""
