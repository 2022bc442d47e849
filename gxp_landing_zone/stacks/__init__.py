"""One stack class per component; app.py instantiates one per (account, region)."""
