"""Engines decide where the stage functions run; `local` runs them in this process."""
