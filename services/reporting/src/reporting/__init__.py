"""reporting: reviews, assessments, outcomes, and the projections the hub runs on."""
