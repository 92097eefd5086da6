"""scheduling: owns the induction programme (ECTs, mentors, sessions, drop-ins)."""
