"""AWS Config recording, drift detection and reporting, and the compliance alerts (11.10(a); Annex 11 §10, §11, §13)."""
