"""Season playbooks: T-milestone steps as data, dated for a season's window. Pure: dates are parameters."""
