"""The scheduling domain: aggregates and rules. No I/O, no frameworks, no clock of its own."""
