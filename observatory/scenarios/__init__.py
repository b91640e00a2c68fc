"""What-if scenarios: the APL's response to GPs added or leaving, and where to place them."""
