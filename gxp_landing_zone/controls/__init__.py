"""The controls: one module per control under ``controls/<area>/``, judged by ``engine.py`` on the
templates CDK writes and, through ``deployed/``, on what is deployed."""
