"""The reporting domain: term reports (and later outcomes). No I/O, no frameworks."""
