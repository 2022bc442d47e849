"""The scheduled audit-trail review (Annex 11 9): runtime/ runs the saved review queries for the period just
ended and files the report; deployment.py deploys the function, its schedule and the locked reports bucket."""
