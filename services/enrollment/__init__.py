"""Enrollment: companies, eligibility, admission, cohorts, monitors."""
