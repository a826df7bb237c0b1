"""What each component of a season stack gets, from the settings, the plan, the catalog and the time. Pure."""
