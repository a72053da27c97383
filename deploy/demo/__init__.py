"""Demo data (``make run``) and one company's whole journey (``make demo``), through the gateway only."""
