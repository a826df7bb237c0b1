"""Season calendars: when each season runs in a given year. Pure: dates are parameters."""
