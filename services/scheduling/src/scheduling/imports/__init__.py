"""Loading records a hub already holds (a cohort already in induction) from uploaded files."""
