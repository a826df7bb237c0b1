"""How long provisioning and rollback take and what they disrupt, and the steps that keep each in budget."""
