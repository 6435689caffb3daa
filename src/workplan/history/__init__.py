"""The plan as it stood at the end of any past day, rebuilt from the stored history (docs/adr/0002)."""
