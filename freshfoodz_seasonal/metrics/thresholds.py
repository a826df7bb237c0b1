"""The business thresholds of the original plan, shared by the alert rules and the war-room panels."""

# More than 2 % of requests answered with a server error.
ERROR_RATE_THRESHOLD = 0.02
# Fewer than 80 % of sample requests succeed.
SAMPLE_SUCCESS_THRESHOLD = 0.80
# Database connections above 90 % of what the class accepts.
DB_CONNECTION_SHARE = 0.90
# A worker's oldest queued job has waited half its queue SLA: warn while half the SLA is left to act.
QUEUE_SLA_WARNING_SHARE = 0.5
